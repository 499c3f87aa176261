"""Statistical secrecy: which cells must not be published, and why.

INSEE's rule (DESIGN.md, « Statistical secrecy »): a value computed over fewer than 11 units is not
published (*primary* secrecy), and a hidden value must not be recoverable from what is published
(*secondary* secrecy): a commune total minus its QPV, a rate times its published denominator…

The model is deliberately small so that it serves the warehouse today and partner data later:

- a table of *cells*, each a hashable key (e.g. ``(indicator, level, code, vintage, field)``) with a
  number, or ``None`` when the source left it blank. A blank is already not published: it stays
  blank, is never imputed, and is never reported as « secret » by us — but the reader does not know
  it either, so it counts as hidden when we ask what the reader could recompute;
- *relations* that let a reader recompute a cell from others: :class:`RatioRelation` (any two of
  ratio, numerator, denominator give the third) and :class:`SumRelation` (a total and its parts:
  one unknown member is recovered by difference).

:func:`suppress` returns the cells to hide with the reason (in French, for the pages);
:func:`audit` lists the relations that still reveal a cell of a candidate publication;
:func:`apply_to_values` applies :func:`suppress` to a DuckDB table shaped like
``marts.indicator_values``. Only the DuckDB part touches a database, through the connection passed.

Limits, on purpose: a relation is only « exactly one unknown member » arithmetic. It does not solve
the attacker's linear programmes (bounds on a hidden cell from several relations at once, positivity)
that DESIGN.md asks the final audit to solve; :func:`audit` is the first, exact, necessary check.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

THRESHOLD = 11  # INSEE: nothing published over fewer than 11 units

Key = Hashable
"""A cell's identity. Keys must be orderable among themselves (tuples of str/int): ties are broken by
key so that the result never depends on the order rows came out of SQL."""

PRIMARY_RATIO = "primaire (ratio calculé sur moins de 11 unités)"
PRIMARY_COUNT = "primaire (effectif inférieur à 11)"


@dataclass(frozen=True, order=True)
class RatioRelation:
    """``ratio = numerator / denominator × scale``: any two published members reveal the third.

    The scale does not matter for what can be recomputed, so it is not stored. ``counts_units``
    says the denominator is a count of units (households, pupils…), so the primary rule applies to
    the ratio; it is False for a weight such as a population used to rebuild a numerator from a
    published rate, or for relations declared only for their recomputation risk.
    """

    ratio: Key
    numerator: Key
    denominator: Key
    counts_units: bool = True

    def __post_init__(self) -> None:
        if len({self.ratio, self.numerator, self.denominator}) != 3:
            raise ValueError(f"ratio relation with a repeated cell: {self}")

    @property
    def members(self) -> tuple[Key, Key, Key]:
        """In the order secondary suppression prefers to hide them: the numerator (the
        sensitive count), then the denominator, and the ratio (the value the pages show) last."""
        return (self.numerator, self.denominator, self.ratio)


@dataclass(frozen=True, order=True)
class SumRelation:
    """``total = Σ parts`` exactly, as published: a commune over its QPV and its « hors QPV »
    remainder, an EPCI over its communes, France over its régions…

    Only declare a relation that holds exactly between the cells as published: a total summed over
    the available parts only (status « incomplet ») is not a sum over all units, and declaring it
    would make us hide cells for nothing.
    """

    total: Key
    parts: tuple[Key, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts))
        if not self.parts:
            raise ValueError(f"sum relation without parts: total {self.total!r}")
        if len(set(self.parts)) != len(self.parts) or self.total in self.parts:
            raise ValueError(f"sum relation with a repeated cell: total {self.total!r}")

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


Relation = RatioRelation | SumRelation


class Leak(NamedTuple):
    """A relation whose only unknown member the reader can recompute from the published ones."""

    relation: Relation
    key: Key


def describe(key: Key) -> str:
    """A readable name for a key in a reason: tuple elements joined by « · »."""
    return " · ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _blank(value: float | None) -> bool:
    return value is None or value != value  # None, or NaN


def _sorted_relations(ratios: Iterable[RatioRelation],
                      sums: Iterable[SumRelation]) -> list[Relation]:
    """Ratios first, then sums, each sorted and without duplicates: relations built in SQL come
    out in no guaranteed order, and the result must not depend on it."""
    return [*sorted(set(ratios), key=lambda r: (r.ratio, r.numerator, r.denominator, r.counts_units)),
            *sorted(set(sums), key=lambda r: (r.total, r.parts))]


def suppress(values: Mapping[Key, float | None], ratios: Iterable[RatioRelation],
             sums: Iterable[SumRelation], *, count_keys_subject_to_rule: Collection[Key] = frozenset(),
             threshold: float = THRESHOLD,
             label: Callable[[Key], str] = describe,
             primary: Mapping[Key, str] | None = None) -> dict[Key, str]:
    """The cells to hide, each with the reason, in French (« primaire … » / « secondaire (…) »).

    1. Primary: a ratio published over a denominator (a count of units) below ``threshold``; a
       count cell below ``threshold`` only if listed in ``count_keys_subject_to_rule``, since
       published sources already blank their own small counts. ``primary`` adds cells already
       found secret by other rules (:mod:`.rules`: dominance, p %…) or by an earlier pass, with
       their reasons.
    2. Secondary, to a fixed point: a relation with exactly one unknown member (hidden by us or blank
       in the source, or absent from ``values``) would let the reader recompute it, so one more
       published member is hidden: for a ratio the numerator, else the denominator, else the ratio;
       for a sum the smallest published part (ties by key), the total only when no part is left.

    Blank cells are never returned. The result does not depend on the order of ``ratios``,
    ``sums`` or ``values``. Each relation is examined when its count of unknown members becomes
    one, from a heap ordered by relation: linear in the size of the relations, plus a log.
    """
    relations = _sorted_relations(ratios, sums)
    secret: dict[Key, str] = {}
    for rel in relations:
        if isinstance(rel, RatioRelation) and rel.counts_units and not _blank(values.get(rel.ratio)):
            denominator = values.get(rel.denominator)
            if not _blank(denominator) and denominator < threshold:
                secret[rel.ratio] = PRIMARY_RATIO
    for key in count_keys_subject_to_rule:
        value = values.get(key)
        if not _blank(value) and value < threshold:
            secret[key] = PRIMARY_COUNT
    for key, why in (primary or {}).items():
        if not _blank(values.get(key)):
            secret[key] = why

    relations_of: dict[Key, list[int]] = defaultdict(list)
    for i, rel in enumerate(relations):
        for key in rel.members:
            relations_of[key].append(i)
    # unknown to the reader: blank in the source (or absent), or hidden by us
    hidden = {key for key in relations_of if _blank(values.get(key))}
    hidden.update(secret)
    unknown = [sum(key in hidden for key in rel.members) for rel in relations]
    heap = [i for i, n in enumerate(unknown) if n == 1]  # ascending, hence already a heap
    while heap:
        i = heapq.heappop(heap)
        if unknown[i] != 1:  # another fix hid a second member since it was pushed
            continue
        rel = relations[i]
        exposed = next(key for key in rel.members if key in hidden)
        if isinstance(rel, RatioRelation):
            chosen = next(key for key in rel.members if key not in hidden)
            why = (f"ratio {label(rel.ratio)} = {label(rel.numerator)} / {label(rel.denominator)} : "
                   f"sinon {label(exposed)} se recalculerait")
        else:
            parts = [key for key in rel.parts if key not in hidden]
            chosen = min(parts, key=lambda key: (values[key], key)) if parts else rel.total
            why = (f"somme {label(rel.total)} = Σ de {len(rel.parts)} parties : "
                   f"sinon {label(exposed)} se déduirait par différence")
        secret[chosen] = f"secondaire ({why})"
        hidden.add(chosen)
        for j in relations_of[chosen]:
            unknown[j] += 1
            if unknown[j] == 1:
                heapq.heappush(heap, j)
    return secret


def audit(values: Mapping[Key, float | None], ratios: Iterable[RatioRelation],
          sums: Iterable[SumRelation], hidden: Collection[Key]) -> list[Leak]:
    """Relations of a candidate publication that still give away exactly one unknown cell.

    ``hidden`` are the cells withheld on top of the source's blanks (e.g. the keys returned by
    :func:`suppress`). An empty list is necessary for the publication to be safe, not sufficient:
    bounds from several relations together are the linear-programme audit's business.
    """
    leaks = []
    blank = {key for key, value in values.items() if _blank(value)}
    for rel in _sorted_relations(ratios, sums):
        unknown = [key for key in rel.members if key in hidden or key in blank or key not in values]
        if len(unknown) == 1:
            leaks.append(Leak(rel, unknown[0]))
    return leaks


# --- DuckDB -----------------------------------------------------------------------------------

FIELDS = {"value": "valeur", "numerator": "numérateur", "denominator": "dénominateur"}
_ROLES = ("ratio", "numerator", "denominator", "total", "part")


POOLED_QPV_SUMS_SQL = r"""
    -- « ensemble des QPV de <territoire> » (level 'qpv_commune', 'qpv2015_region'…) = Σ of its QPV,
    -- for numerators and denominators (ratios) or values (counts); only complete sums are exact
    WITH totals AS (
        SELECT indicator, level, code, vintage, split_part(level, '_', 1) AS base,
               split_part(level, '_', 2) AS parent_level,
               unnest(CASE WHEN numerator IS NULL AND denominator IS NULL THEN ['value']
                           ELSE ['numerator', 'denominator'] END) AS field
        FROM marts.indicator_values
        WHERE (level LIKE 'qpv\_%' ESCAPE '\' OR level LIKE 'qpv2015\_%' ESCAPE '\')
          AND n_missing = 0
    )
    SELECT indicator || '|' || level || '|' || code || '|' || vintage || '|' || field AS relation,
           'total' AS role, indicator, level, code, vintage, field
    FROM totals
    UNION ALL
    SELECT t.indicator || '|' || t.level || '|' || t.code || '|' || t.vintage || '|' || t.field,
           'part', t.indicator, l.level, l.code, t.vintage, t.field
    FROM totals t JOIN marts.territory_links l
      ON l.level = t.base AND l.parent_level = t.parent_level AND l.parent_code = t.code
"""


def describe_value_cell(key: tuple) -> str:
    """``(indicator, level, code, vintage, field)`` → « numérateur de tx_x · qpv QN… · 2020 »."""
    indicator, level, code, vintage, field = key
    return f"{FIELDS.get(field, field)} de {indicator} · {level} {code} · {vintage}"


def apply_to_values(con, relations_sql: str | None = None, *,
                    table: str = "marts.indicator_values", count_rule_sql: str | None = None,
                    threshold: float = THRESHOLD) -> int:
    """Apply :func:`suppress` to a DuckDB table of values; return the number of cells hidden.

    It replaces the primary-only ``UPDATE`` of ``marts.apply_secrecy`` (same primary rule, plus the
    secondary suppression). Expected:

    - ``table`` has one row per ``(indicator, level, code, vintage)`` and at least the columns
      ``indicator, level, code, vintage`` (the key), ``value, numerator, denominator`` (numbers or
      NULL), ``counts_units`` (BOOLEAN: the denominator counts units — people, households —
      rather than being a weight or an area), and
      ``status, note`` (VARCHAR). Each row gives three cells keyed
      ``(indicator, level, code, vintage, field)``, ``field`` in ``value/numerator/denominator``;
      NULL is a blank of the source. A row with a numerator or a denominator is a ratio:
      ``value = numerator / denominator × scale`` is declared for it, and the primary rule applies
      to it only if ``counts_units``. A row with neither is a count (its cell is ``value``).
    - ``relations_sql`` (optional) is a SELECT giving the other relations in long form, one row per
      member, columns ``relation`` (any id, the same for all members of one relation), ``role``
      (``'total'``/``'part'`` for a sum; ``'ratio'``/``'numerator'``/``'denominator'`` for a ratio
      between rows, to which the primary rule does not apply), and the member's cell: ``indicator,
      level, code, vintage, field``. A member without a row in ``table`` is an unknown cell.
      :data:`POOLED_QPV_SUMS_SQL` is one: « ensemble des QPV de <territoire> » = Σ of its QPV.
    - ``count_rule_sql`` (optional) is a boolean SQL expression over the table's columns selecting
      the count rows whose value is subject to the primary rule (e.g. ``"indicator IN ('nb_x')"``).

    Only the rows that can matter are read into Python: primary candidates and rows named by
    ``relations_sql`` (a ratio with a zero denominator reveals nothing and is not a candidate).
    A hidden cell is set to NULL; a hidden value also sets ``status = 'secret'`` (a row whose
    value stays published keeps its status); every hidden cell appends « secret statistique,
    <champ> : <raison> » to ``note``.
    """
    if relations_sql is None:
        relations_sql = ("SELECT NULL::VARCHAR AS relation, NULL::VARCHAR AS role, "
                         "NULL::VARCHAR AS indicator, NULL::VARCHAR AS level, NULL::VARCHAR AS code, "
                         "NULL::VARCHAR AS vintage, NULL::VARCHAR AS field WHERE false")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE secrecy_members AS
        SELECT relation, role, indicator, level, code, vintage, field FROM ({relations_sql})""")
    bad = con.execute(f"""SELECT relation, role, field FROM secrecy_members
        WHERE role IS NULL OR role NOT IN {_ROLES} OR field IS NULL OR field NOT IN {tuple(FIELDS)}
        LIMIT 1""").fetchone()
    if bad:
        raise ValueError(f"relations_sql: relation {bad[0]!r} has role {bad[1]!r} and field "
                         f"{bad[2]!r}; roles are {', '.join(_ROLES)}, fields {', '.join(FIELDS)}")

    # The rows that can matter, numbered in key order: cells are then plain integers
    # (3 × row + field), cheap to hash and sort, and the numbering does not depend on the
    # physical order of the table.
    count_rule = f"coalesce(({count_rule_sql}), false)" if count_rule_sql else "false"
    is_ratio = "(t.numerator IS NOT NULL OR t.denominator IS NOT NULL)"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE secrecy_rows AS
        SELECT row_number() OVER (ORDER BY t.indicator, t.level, t.code, t.vintage) - 1 AS n,
               t.rowid AS rid, t.indicator, t.level, t.code, t.vintage, t.value, t.numerator,
               t.denominator, {is_ratio} AS is_ratio,
               coalesce(t.counts_units, false) AS counts_units, {count_rule} AS count_rule
        FROM {table} t
        WHERE (t.value IS NOT NULL AND t.denominator < {threshold}
               AND coalesce(t.counts_units, false))
           OR ({count_rule} AND t.value < {threshold})
           OR (t.indicator, t.level, t.code, t.vintage) IN
              (SELECT (indicator, level, code, vintage) FROM secrecy_members)""")
    rows = con.execute("SELECT n, rid, indicator, level, code, vintage, value, numerator, "
                       "denominator, is_ratio, counts_units, count_rule FROM secrecy_rows "
                       "ORDER BY n").fetchall()
    values: dict[int, float | None] = {}
    ratios: list[RatioRelation] = []
    counts: set[int] = set()
    for n, _rid, _i, _l, _c, _v, value, numerator, denominator, ratio, units, rule in rows:
        values[3 * n], values[3 * n + 1], values[3 * n + 2] = value, numerator, denominator
        if ratio:
            ratios.append(RatioRelation(3 * n, 3 * n + 1, 3 * n + 2, counts_units=units))
        elif rule:
            counts.add(3 * n)

    # a member without a row gets a negative id, the same in every relation it belongs to
    relations = con.execute(f"""
        WITH cells AS (
            SELECT m.relation, m.role, coalesce(3 * r.n + CASE m.field WHEN 'value' THEN 0
                       WHEN 'numerator' THEN 1 ELSE 2 END,
                   -dense_rank() OVER (ORDER BY m.indicator, m.level, m.code, m.vintage,
                                                m.field)) AS cell
            FROM secrecy_members m LEFT JOIN secrecy_rows r
              ON r.indicator = m.indicator AND r.level = m.level AND r.code = m.code
             AND r.vintage = m.vintage
        )
        SELECT relation, {", ".join(f"count(*) FILTER (WHERE role = '{role}')" for role in _ROLES)},
               any_value(cell) FILTER (WHERE role = 'total'),
               list(cell ORDER BY cell) FILTER (WHERE role = 'part'),
               any_value(cell) FILTER (WHERE role = 'ratio'),
               any_value(cell) FILTER (WHERE role = 'numerator'),
               any_value(cell) FILTER (WHERE role = 'denominator')
        FROM cells GROUP BY relation""").fetchall()
    sums: list[SumRelation] = []
    for relation, *n_roles, total, parts, ratio, numerator, denominator in relations:
        try:
            if n_roles == [0, 0, 0, 1, n_roles[4]] and n_roles[4] > 0:
                sums.append(SumRelation(total, tuple(parts)))
            elif n_roles == [1, 1, 1, 0, 0]:
                ratios.append(RatioRelation(ratio, numerator, denominator, counts_units=False))
            else:
                raise ValueError(f"roles {dict(zip(_ROLES, n_roles, strict=True))}; a sum needs one "
                                 "total and parts, a ratio one ratio, numerator and denominator")
        except ValueError as error:
            raise ValueError(f"relations_sql: relation {relation!r}: {error}") from None

    def label(cell: int) -> str:
        if cell < 0:
            return "une cellule absente de la table"
        return describe_value_cell((*rows[cell // 3][2:6], tuple(FIELDS)[cell % 3]))

    secret = suppress(values, ratios, sums, count_keys_subject_to_rule=counts,
                      threshold=threshold, label=label)
    con.execute("DROP TABLE secrecy_members")
    con.execute("DROP TABLE secrecy_rows")
    if not secret:
        return 0
    hidden = sorted(secret)
    fields = tuple(FIELDS)
    con.execute("""CREATE OR REPLACE TEMP TABLE secrecy_hidden AS
        SELECT unnest(?::BIGINT[]) AS rid, unnest(?::VARCHAR[]) AS field,
               unnest(?::VARCHAR[]) AS reason""",
                [[rows[cell // 3][1] for cell in hidden], [fields[cell % 3] for cell in hidden],
                 [f"secret statistique, {FIELDS[fields[cell % 3]]} : {secret[cell]}"
                  for cell in hidden]])
    con.execute(f"""
        UPDATE {table} AS t SET
            value = CASE WHEN h.value THEN NULL ELSE t.value END,
            numerator = CASE WHEN h.numerator THEN NULL ELSE t.numerator END,
            denominator = CASE WHEN h.denominator THEN NULL ELSE t.denominator END,
            status = CASE WHEN h.value THEN 'secret' ELSE t.status END,
            note = concat_ws(' ; ', nullif(t.note, ''), h.reasons)
        FROM (SELECT rid, bool_or(field = 'value') AS value,
                     bool_or(field = 'numerator') AS numerator,
                     bool_or(field = 'denominator') AS denominator,
                     string_agg(reason, ' ; ' ORDER BY field DESC) AS reasons
              FROM secrecy_hidden GROUP BY rid) h
        WHERE t.rowid = h.rid""")
    con.execute("DROP TABLE secrecy_hidden")
    return len(secret)
