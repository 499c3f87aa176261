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
import os
import re
import time
import unicodedata
from dataclasses import dataclass

import httpx
import numpy as np

DEFAULT_URL = "https://data.geopf.fr/geocodage/search/csv/"
OFF = ("non", "off", "0", "aucun")
BATCH_ROWS = 5_000  # a request of a few hundred kilobytes; the service caps file sizes
CHECK_BELOW = 0.7  # scores under this are shown « à vérifier »
RETRIES = 4  # for 429 (rate limit: 50 requests/s per address) and 5xx answers


STREET_NAMES = ("adresse", "address", "adresse1", "adressepostale", "voie", "libellevoie", "rue")
NUMBER_NAMES = ("numero", "numerovoie", "num", "no", "housenumber")
POSTCODE_NAMES = ("codepostal", "cp", "postcode", "codepost")
CITYCODE_NAMES = ("codecommune", "codeinsee", "citycode", "depcom", "insee", "codgeo")
CITY_NAMES = ("commune", "ville", "city", "nomcommune", "localite", "libellecommune")
KIND_LABELS = {"street": "à la voie", "locality": "au lieu-dit"}


class GeocodingError(ValueError):
    """The service could not be used for the file; names the service and what to do instead."""


def column_key(name: str) -> str:
    """Header cell → comparable key: no accents, case, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class AddressColumns:
    """Indexes of the columns making up an address; the query joins them in this order."""

    query: tuple[int, ...]
    citycode: int | None = None

    @classmethod
    def find(cls, header: list[str]) -> AddressColumns | None:
        keys = [column_key(h) for h in header]

        def first(names: tuple[str, ...]) -> int | None:
            return next((keys.index(n) for n in names if n in keys), None)

        street = first(STREET_NAMES)
        if street is None:
            return None
        parts = (first(NUMBER_NAMES), street, first(POSTCODE_NAMES), first(CITY_NAMES))
        return cls(tuple(i for i in parts if i is not None), first(CITYCODE_NAMES))

    def names(self, header: list[str]) -> list[str]:
        return [header[i] for i in (*self.query, *([self.citycode] if self.citycode is not None
                                                    else []))]


@dataclass
class Geocoded:
    """Per row: WGS84 position (NaN when unusable), score, match type, label, and a problem
    (empty, « à vérifier : … » or « erreur : … »)."""

    lon: np.ndarray
    lat: np.ndarray
    score: list[str]
    kind: list[str]
    label: list[str]
    problem: list[str]
    sent: int = 0  # rows with an address, sent to the service


class Geocoder:
    def __init__(self, url: str = DEFAULT_URL, *, batch_rows: int = BATCH_ROWS,
                 timeout_s: float = 300.0, transport: httpx.BaseTransport | None = None):
        self.url = url
        self.batch_rows = batch_rows
        self.requests = 0
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=10.0),
                                    transport=transport, follow_redirects=True)

    @classmethod
    def from_setting(cls, value: str | None) -> Geocoder | None:
        """``QUARTIERS_GEOCODEUR``: unset → the national service; « non » → no geocoding."""
        value = (value if value is not None else os.environ.get("QUARTIERS_GEOCODEUR", "")).strip()
        if value.lower() in OFF:
            return None
        return cls(value or DEFAULT_URL)

    def geocode(self, rows: list[list], columns: AddressColumns) -> Geocoded:
        count = len(rows)
        out = Geocoded(np.full(count, np.nan), np.full(count, np.nan), [""] * count,
                       [""] * count, [""] * count, [""] * count)
        queries = []
        for number, row in enumerate(rows):
            parts = [str(row[i]).strip() if i < len(row) and row[i] is not None else ""
                     for i in columns.query]
            city = (str(row[columns.citycode]).strip() if columns.citycode is not None
                    and columns.citycode < len(row) and row[columns.citycode] is not None else "")
            if any(parts):
                queries.append((number, " ".join(p for p in parts if p), city))
            else:
                out.problem[number] = "erreur : adresse vide"
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
        answer = self._post(body.getvalue().encode("utf-8"), data)
        seen = set()
        for result in csv.DictReader(io.StringIO(answer.lstrip("\ufeff"))):
            number = int(result["ligne"])
            seen.add(number)
            self._read_result(result, number, out)
        for number, _, _ in queries:
            if number not in seen:
                out.problem[number] = "erreur : ligne absente de la réponse du géocodeur"

    @staticmethod
    def _read_result(result: dict, number: int, out: Geocoded) -> None:
        status = result.get("result_status") or ("ok" if result.get("latitude") else "not-found")
        if status != "ok" or not result.get("latitude"):
            out.problem[number] = "erreur : adresse introuvable"
            return
        kind, score = result.get("result_type", ""), float(result.get("result_score") or 0)
        out.kind[number], out.label[number] = kind, result.get("result_label", "")
        out.score[number] = f"{score:.2f}"
        if kind == "municipality":
            out.problem[number] = "erreur : adresse trouvée à la commune seulement"
            return
        out.lon[number], out.lat[number] = float(result["longitude"]), float(result["latitude"])
        if kind in KIND_LABELS:
            out.problem[number] = f"à vérifier : adresse localisée {KIND_LABELS[kind]}"
        elif score < CHECK_BELOW:
            out.problem[number] = f"à vérifier : géocodage incertain (score {score:.2f})"

    def _post(self, payload: bytes, data: dict) -> str:
        attempt = 0
        while True:
            try:
                response = self._client.post(self.url, data=data,
                                             files={"data": ("adresses.csv", payload, "text/csv")})
            except httpx.HTTPError as error:
                raise GeocodingError(f"le service de géocodage {self.url} est injoignable "
                                     f"({type(error).__name__} : {error})") from error
            self.requests += 1
            busy = response.status_code == 429 or response.status_code >= 500
            if not busy or attempt == RETRIES:
                break
            time.sleep(_retry_delay(response, attempt))
            attempt += 1
        if response.status_code != 200:
            raise GeocodingError(f"le service de géocodage {self.url} a refusé la demande "
                                 f"(HTTP {response.status_code} : {response.text[:200]})")
        return response.content.decode("utf-8-sig", errors="replace")

    def close(self) -> None:
        self._client.close()


def _retry_delay(response: httpx.Response, attempt: int) -> float:
    try:
        return min(float(response.headers.get("retry-after", "")), 30.0)
    except ValueError:
        return min(2.0 ** attempt, 30.0)
