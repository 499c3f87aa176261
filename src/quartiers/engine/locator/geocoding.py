"""Addresses to coordinates through the national address service's batch endpoint (``/search/csv/``).

The default service is the State's (IGN Géoplateforme, fed by the Base Adresse Nationale); any
addok server with its CSV plugin, such as a self-hosted copy of the national address base,
answers the same request (``QUARTIERS_GEOCODEUR``). Only the address columns leave the machine,
with a row number: never names or any other field of the file.

A position is only as good as its match: a house number is taken as found, a street or a
locality is « à vérifier » (a QPV boundary often runs along a street), a commune alone is an
error (its centre says nothing about the address), and so is an address the service did not find.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
import numpy as np

DEFAULT_URL = "https://data.geopf.fr/geocodage/search/csv"
OFF = ("non", "off", "0", "aucun")
BATCH_ROWS = 5_000  # a request of a few hundred kilobytes; the service caps file sizes
MAX_QUERY = 200  # characters: addok refuses a whole request holding a longer query
CHECK_BELOW = 0.7  # scores under this are shown « à vérifier »
RETRIES = 4  # for 429 (rate limit: 50 requests/s per address), 5xx and dropped connections

STREET_NAMES = ("adresse", "address", "adresse1", "adressepostale", "voie", "libellevoie", "rue")
# Only names that cannot be a record number (« N° », « Numéro » often are): those leave the machine
NUMBER_NAMES = ("numerovoie", "numvoie", "numerodevoie", "numerodansvoie", "housenumber")
POSTCODE_NAMES = ("codepostal", "cp", "postcode", "codepost")
CITYCODE_NAMES = ("codecommune", "codeinsee", "citycode", "depcom", "insee", "codgeo")
CITY_NAMES = ("commune", "ville", "city", "nomcommune", "localite", "libellecommune")
KIND_LABELS = {"street": "à la voie", "locality": "au lieu-dit"}
ANSWER_COLUMNS = ("ligne", "latitude", "longitude")


class GeocodingError(ValueError):
    """The service could not be used for the file; names the service and what to do instead."""


def column_key(name: str) -> str:
    """Header cell → comparable key: no accents, case, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def first_column(keys: list[str], names: tuple[str, ...]) -> int | None:
    """Index of the first of ``names`` (in their order of preference) among header ``keys``."""
    return next((keys.index(name) for name in names if name in keys), None)


def public_url(url: str) -> str:
    """The service's address without a login, password or query string, for pages and files."""
    parts = urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _cell_text(value, code: bool) -> str:
    """A cell as the address service reads it; a code typed as a number in Excel gets back its
    leading zero (01053, not 1053)."""
    if value is None:
        return ""
    if code and isinstance(value, int | float) and not isinstance(value, bool) \
            and float(value).is_integer():
        return f"{int(value):05d}"
    return " ".join(str(value).split())


@dataclass(frozen=True)
class AddressColumns:
    """Indexes of the columns making up an address; the query joins them in this order."""

    query: tuple[int, ...]
    citycode: int | None = None
    codes: frozenset[int] = frozenset()  # postcode / INSEE code columns

    @classmethod
    def find(cls, header: list[str]) -> AddressColumns | None:
        keys = [column_key(h) for h in header]

        def first(names: tuple[str, ...]) -> int | None:
            return first_column(keys, names)

        street = first(STREET_NAMES)
        if street is None:
            return None
        postcode, citycode = first(POSTCODE_NAMES), first(CITYCODE_NAMES)
        parts = (first(NUMBER_NAMES), street, postcode, first(CITY_NAMES))
        return cls(tuple(i for i in parts if i is not None), citycode,
                   frozenset(i for i in (postcode, citycode) if i is not None))

    @classmethod
    def chosen(cls, header: list[str], names: list[str]) -> AddressColumns:
        """Columns named by the user, joined in the order given; no filter."""
        keys = [column_key(h) for h in header]
        query = tuple(header.index(name) for name in names)
        return cls(query, None, frozenset(i for i in query
                                          if keys[i] in POSTCODE_NAMES + CITYCODE_NAMES))

    def names(self, header: list[str]) -> list[str]:
        return [header[i] for i in (*self.query, *([self.citycode] if self.citycode is not None
                                                    else []))]

    def text(self, row: list, index: int | None) -> str:
        if index is None or index >= len(row):
            return ""
        return _cell_text(row[index], index in self.codes)


@dataclass
class Geocoded:
    """Per row: WGS84 position (NaN when unusable), score (NaN when none), match type, label,
    and a problem (empty, « à vérifier : … » or « erreur : … »)."""

    lon: np.ndarray
    lat: np.ndarray
    score: np.ndarray
    kind: list[str]
    label: list[str]
    problem: list[str]
    sent: int = 0  # rows with an address, sent to the service


class Geocoder:
    """Client of one ``/search/csv/`` service; use it as a context manager (or ``close()``)."""

    def __init__(self, url: str = DEFAULT_URL, *, batch_rows: int = BATCH_ROWS,
                 timeout_s: float = 300.0, retries: int = RETRIES,
                 transport: httpx.BaseTransport | None = None):
        self.url = url
        self.public_url = public_url(url)
        self.batch_rows = batch_rows
        self.retries = retries
        self.requests = 0
        self._timeout = httpx.Timeout(timeout_s, connect=10.0)
        self._transport = transport
        self._client: httpx.Client | None = None  # opened on the first request

    @staticmethod
    def setting(value: str) -> str | None:
        """The configured service (``QUARTIERS_GEOCODEUR``): empty → the national service;
        « non » → None (never send addresses)."""
        value = value.strip()
        return None if value.lower() in OFF else (value or DEFAULT_URL)

    @classmethod
    def from_setting(cls, value: str, **options) -> Geocoder | None:
        url = cls.setting(value)
        return None if url is None else cls(url, **options)

    def __enter__(self) -> Geocoder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def geocode(self, rows: list[list], columns: AddressColumns) -> Geocoded:
        count = len(rows)
        out = Geocoded(np.full(count, np.nan), np.full(count, np.nan), np.full(count, np.nan),
                       [""] * count, [""] * count, [""] * count)
        queries = []
        for number, row in enumerate(rows):
            query = " ".join(part for part in (columns.text(row, i) for i in columns.query)
                             if part)
            if not query:
                out.problem[number] = "erreur : adresse vide"
            elif len(query) > MAX_QUERY:
                out.problem[number] = f"erreur : adresse trop longue (plus de {MAX_QUERY} caractères)"
            else:
                queries.append((number, query, columns.text(row, columns.citycode)))
        out.sent = len(queries)
        for start in range(0, len(queries), self.batch_rows):
            self._geocode_batch(queries[start:start + self.batch_rows], columns, out)
        return out

    def _geocode_batch(self, queries: list[tuple[int, str, str]], columns: AddressColumns,
                       out: Geocoded) -> None:
        body = io.StringIO()
        writer = csv.writer(body, lineterminator="\n")
        writer.writerow(["ligne", "adresse", "code_insee"])
        writer.writerows(queries)
        data = {"columns": ["adresse"], "encoding": "utf-8"}
        if columns.citycode is not None:
            data["citycode"] = "code_insee"
        answer = csv.DictReader(io.StringIO(self._post(body.getvalue().encode("utf-8"), data)))
        missing = [c for c in ANSWER_COLUMNS if c not in (answer.fieldnames or [])]
        if missing:
            raise GeocodingError(f"le service de géocodage {self.public_url} a envoyé une réponse "
                                 f"illisible (colonnes {', '.join(missing)} absentes)")
        sent = {number for number, _, _ in queries}
        seen = set()
        for result in answer:
            number = _integer(result.get("ligne"))
            if number in sent and number not in seen:  # anything else is not ours: ignored
                seen.add(number)
                self._read_result(result, number, out)
        for number in sent - seen:
            out.problem[number] = "erreur : ligne absente de la réponse du géocodeur"

    @staticmethod
    def _read_result(result: dict, number: int, out: Geocoded) -> None:
        lon, lat = _number(result.get("longitude")), _number(result.get("latitude"))
        status = result.get("result_status") or ("ok" if lat is not None else "not-found")
        if status != "ok" or lon is None or lat is None:
            out.problem[number] = "erreur : adresse introuvable"
            return
        kind, score = result.get("result_type") or "", _number(result.get("result_score")) or 0.0
        out.kind[number], out.label[number] = kind, result.get("result_label") or ""
        out.score[number] = score
        if kind == "municipality":
            out.problem[number] = "erreur : adresse trouvée à la commune seulement"
            return
        out.lon[number], out.lat[number] = lon, lat
        if kind in KIND_LABELS:
            out.problem[number] = f"à vérifier : adresse localisée {KIND_LABELS[kind]}"
        elif score < CHECK_BELOW:
            out.problem[number] = f"à vérifier : géocodage incertain (score {score:.2f})"

    def _post(self, payload: bytes, data: dict) -> str:
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout, transport=self._transport,
                                       follow_redirects=True)
        attempt = 0
        while True:
            try:
                response = self._client.post(self.url, data=data,
                                             files={"data": ("adresses.csv", payload, "text/csv")})
            except httpx.ConnectError as error:  # nobody there: no use waiting
                raise GeocodingError(f"le service de géocodage {self.public_url} est injoignable "
                                     f"({type(error).__name__} : {error})") from error
            except httpx.TransportError as error:  # a timeout or a dropped connection
                if attempt == self.retries:
                    raise GeocodingError(f"le service de géocodage {self.public_url} ne répond "
                                         f"plus ({type(error).__name__})") from error
                response = None
            if response is not None:
                self.requests += 1
                busy = response.status_code == 429 or response.status_code >= 500
                if not busy or attempt == self.retries:
                    break
            time.sleep(_retry_delay(response, attempt))
            attempt += 1
        if response.status_code != 200:
            raise GeocodingError(f"le service de géocodage {self.public_url} a refusé la demande "
                                 f"(HTTP {response.status_code} : {response.text[:200]})")
        return response.content.decode("utf-8-sig", errors="replace")


def _number(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def _integer(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _retry_delay(response: httpx.Response | None, attempt: int) -> float:
    told = _number(response.headers.get("retry-after")) if response is not None else None
    return min(max(told if told is not None else 2.0 ** attempt, 0.0), 30.0)
