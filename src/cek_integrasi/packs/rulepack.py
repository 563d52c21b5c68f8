"""Load a rule pack from rules/<pack>/, validate it, and refuse what the engine cannot do safely.

A pack is `pack.yaml` (identity, version, the family files, the stage list, its bundle's Python
module: bundles.py) plus one file per rule family. Every file is validated against schemas/rules.schema.json (once: a file found
valid before, unchanged, is not checked again: validated.py); then each condition is
checked against the fact vocabulary of the packs' folder (vocabulary.py: known fact, right value type) and the engine's known limits
(ENGINEERING notes), and compiled to its normal form (conditions.py).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import string
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml_rs

from .conditions import MAX_CONJUNCTIONS, NUMERIC, Conjunction, atoms, to_dnf
from . import DEFAULT_PACK, stages
from .bundles import PROJECT_ROOT, RULES_DIR
from .facts import RESERVED, VERDICT_FACT, FactSpec
from .stages import StagePlan
from .vocabulary import Vocabulary, default, of_folder
from . import validated

if TYPE_CHECKING:
    import jsonschema

SCHEMAS_DIR = PROJECT_ROOT / "schemas"
VALIDATION = "draft2020-12.1"  # how `_validate` checks a file: changed with it, so that no file found valid before is trusted
PARTS = ("applies", "passes", "pending")


def questions(written: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the engine is asked about a rule: where it `applies`, where it `fails` (applies and
    `passes` does not hold) and where it is `pending`. Asking for the failures rather than the
    passes keeps what the engine sends back in proportion to the findings, which are few, not to
    the rules times the subjects."""
    asked = {part: written[part] for part in ("applies", "pending") if part in written}
    if "passes" in written:  # every rule but a verdict, which is judged from other rules' states
        fails = [written["applies"]] if "applies" in written else []
        asked["fails"] = {"all": fails + [{"not": written["passes"]}]}
    return asked
MAX_VALUES_PER_FACT = 200  # far below the ~512 distinct values that hang engine registration


class RulePackError(Exception):
    """A rule file is invalid or asks for something the engine cannot do safely."""


@dataclass
class Rule:
    """One catalogue rule, as written in its file, with its conditions compiled."""

    id: str
    family: str
    subject: str
    severity: str
    reference: str
    title: dict[str, str]
    message: dict[str, str]
    remediation: dict[str, str]
    description: str = ""
    path: str = ""
    asked: dict[str, list[Conjunction]] = field(default_factory=dict)  # normal forms of questions(written)
    written: dict[str, Any] = field(default_factory=dict)
    requires: list[str] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)
    source_file: str = ""
    phase: int = 2  # 1: a verdict rule and the rules it requires, judged first (docs/rules.md)

    @property
    def is_verdict(self) -> bool:
        return bool(self.requires)


@dataclass(frozen=True)
class EvidenceNeed:
    """A kind of document whose facts a reviewer matches to its evidence (pack.yaml `evidence`)."""

    document: str  # a kind of dossiers/documents.py: ba, perdes, sk, kantor, aparatur, bpd, spc
    about: tuple[str, ...]  # only documents about these (a Perdes' or SK's perihal, a Berita Acara's forum); (): all
    reference: str

    def covers(self, kind: str, about: str) -> bool:
        return kind == self.document and (not self.about or about in self.about)


@dataclass
class RulePack:
    """A loaded, checked rule pack."""

    id: str
    name: dict[str, str]
    version: str
    source: str
    rules: list[Rule]
    plan: StagePlan
    digest: str
    plan_years: tuple[int, int] = (1990, 2100)
    kinds: tuple[str, ...] = ("desa", "kecamatan")
    requires: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> fields it needs (pack.yaml dossier_requires)
    template_omits: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> record rows its template leaves out
    evidence: tuple[EvidenceNeed, ...] = ()
    vocabulary: Vocabulary = field(default_factory=default)  # the facts its rules are written in, with their builders

    def evidence_need(self, kind: str, about: str) -> EvidenceNeed | None:
        """What the pack says of a document's evidence (None: not required)."""
        return next((need for need in self.evidence if need.covers(kind, about)), None)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def family(self, prefix: str) -> "RulePack":
        """This pack with only the rules of one family (IDs `prefix-NN`): what a roster's screening judges."""
        return replace(self, rules=[r for r in self.rules if r.id.startswith(prefix + "-")])

    def covers(self, plan_year: int) -> bool:
        """Whether the pack judges dossiers of this plan year (pack.yaml `plan_years`)."""
        return self.plan_years[0] <= plan_year <= self.plan_years[1]

    @property
    def years(self) -> str:
        return f"{self.plan_years[0]}-{self.plan_years[1]}"

    def stage_labels(self, kind: str) -> dict[str, dict[str, str]]:
        """The steps of a dossier kind with their labels by language, as a workbook of this pack writes them."""
        return {code: stage.label for code, stage in self.plan.stages.items() if stage.level == kind}


@functools.cache
def _schema_validator(schema: bytes, ref: str) -> jsonschema.Draft202012Validator:
    """The validator of the schema (its bytes), or of its definition `ref` ("": the whole schema, a family file)."""
    import jsonschema

    parsed = json.loads(schema)
    if ref:
        parsed = {"$ref": f"#/$defs/{ref}", "$defs": parsed["$defs"]}
    return jsonschema.Draft202012Validator(parsed)


def _read_yaml(path: Path) -> tuple[bytes, dict[str, Any]]:
    """A rule file's bytes and the mapping its YAML holds (read by yaml-rs, YAML 1.2: tests/test_rulepack.py holds
    every bundled file reading the same as with PyYAML, which read them before)."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")  # a BOM, as Windows editors may write one, is not part of the first key
        data = yaml_rs.loads(text)
    except FileNotFoundError:
        raise RulePackError(f"{path}: file tidak ada") from None
    except UnicodeDecodeError as exc:
        raise RulePackError(f"{path}: bukan teks UTF-8 (byte ke-{exc.start + 1})") from None
    except (yaml_rs.YAMLDecodeError, RecursionError) as exc:
        raise RulePackError(f"{path}: {_duplicate_key(text)}YAML rusak: {exc}") from None
    if not isinstance(data, dict):  # empty, a list, or several documents (yaml-rs gives those as a list)
        raise RulePackError(f"{path}: isinya harus satu pemetaan YAML (kunci: nilai), bukan {type(data).__name__}")
    return raw, data


def _duplicate_key(text: str) -> str:
    """"baris N: " where a mapping repeats a key (yaml-rs, which refuses it, does not say where), else ""."""
    import yaml

    try:
        nodes = [yaml.compose(text, Loader=yaml.SafeLoader)]
    except (yaml.YAMLError, RecursionError):  # too deep for PyYAML too: the message goes without a line
        return ""
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [key for key, _ in node.value if isinstance(key, yaml.ScalarNode)]  # yaml-rs names a repeated key by its text
            seen: set[str] = set()
            for key in keys:
                if key.value in seen:
                    return f"baris {key.start_mark.line + 1}: "
                seen.add(key.value)
            nodes += [value for _, value in reversed(node.value)]
        elif isinstance(node, yaml.SequenceNode):
            nodes += reversed(node.value)
    return ""


def _validate(path: Path, raw: bytes, data: Any, schema: bytes, ref: str = "") -> None:
    """Check a rule file (its bytes and data) against the schema (its bytes) or its definition `ref`, unless
    the same file passed the same check before (validated.py)."""
    check = validated.key(f"{VALIDATION}/{ref}", schema, raw)
    if validated.known(check):
        return
    errors = sorted(_schema_validator(schema, ref).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        raise RulePackError(f"{path}: {where}: {err.message}")
    validated.record(check)


def load_pack(pack_id: str = DEFAULT_PACK, rules_dir: Path = RULES_DIR) -> RulePack:
    """Load and check rules/<pack_id>/; raise RulePackError with the file and place if anything is wrong."""
    base = rules_dir / pack_id
    if not (base / "pack.yaml").is_file():
        known = pack_ids(rules_dir)
        raise RulePackError(f"paket aturan '{pack_id}' tidak ada di {rules_dir}; tersedia: {', '.join(known) or '-'}")
    digest = hashlib.sha256()
    schema = (SCHEMAS_DIR / "rules.schema.json").read_bytes()
    raw, meta = _read_yaml(base / "pack.yaml")
    _validate(base / "pack.yaml", raw, meta, schema, "pack")
    digest.update(raw)
    _check_module(base / "pack.yaml", meta["module"])
    vocabulary = _vocabulary(base / "pack.yaml", rules_dir)
    raw, plan = _load_stages(base / meta["stages"], vocabulary.situations, schema)
    digest.update(raw)
    rules: list[Rule] = []
    for name in meta["families"]:
        path = base / name
        raw, data = _read_yaml(path)
        _validate(path, raw, data, schema)
        digest.update(raw)
        rules += [_build_rule(path, data["family"], entry, vocabulary.catalogue) for entry in data["rules"]]
    _check_pack(base, rules)
    vocabulary = _part_read(vocabulary, meta["module"], rules, plan)
    years = (meta["plan_years"]["from"], meta["plan_years"]["to"])
    if years[0] > years[1]:
        raise RulePackError(f"{base / 'pack.yaml'}: plan_years: 'from' {years[0]} sesudah 'to' {years[1]}")
    kinds = tuple(meta.get("kinds", ("desa", "kecamatan")))
    requires = {kind: tuple(fields) for kind, fields in (meta.get("dossier_requires") or {}).items()}
    omits = {kind: tuple(fields) for kind, fields in (meta.get("template_omits") or {}).items()}
    evidence = tuple(EvidenceNeed(e["document"], tuple(e.get("about", ())), e["reference"]) for e in meta.get("evidence", ()))
    return RulePack(
        meta["id"], meta["name"], str(meta["version"]), meta["source"], rules, plan, digest.hexdigest(), years, kinds,
        requires, omits, evidence, vocabulary,
    )


def pack_ids(rules_dir: Path = RULES_DIR) -> list[str]:
    """Every pack in rules/ (a folder with a pack.yaml), in name order."""
    return sorted(p.name for p in rules_dir.iterdir() if (p / "pack.yaml").is_file()) if rules_dir.is_dir() else []


def load_packs(rules_dir: Path = RULES_DIR) -> list[RulePack]:
    """Every pack in rules/, loaded and checked, earliest plan years first; their plan years may not overlap."""
    packs = sorted((load_pack(pid, rules_dir) for pid in pack_ids(rules_dir)), key=lambda p: p.plan_years)
    for earlier, later in zip(packs, packs[1:]):
        if later.plan_years[0] <= earlier.plan_years[1]:
            raise RulePackError(
                f"{rules_dir}: paket {earlier.id} ({earlier.years}) dan {later.id} ({later.years}) menilai tahun yang sama"
            )
    return packs


def _check_module(path: Path, name: str) -> None:
    """The bundle's Python module (pack.yaml `module`) imports and has its synthetic dossiers."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise RulePackError(f"{path}: module: modul {name} tidak dapat dimuat: {exc}") from None
    if not hasattr(module, "GENERATOR"):
        raise RulePackError(f"{path}: module: modul {name} tidak punya GENERATOR (docs/rules.md, \"Adding a pack\")")


def _vocabulary(path: Path, rules_dir: Path) -> Vocabulary:
    """The vocabulary of the packs of `rules_dir`; a bundle's module that declares a name twice is refused."""
    try:
        return of_folder(rules_dir)
    except ValueError as exc:
        raise RulePackError(f"{path}: module: {exc}") from None


def _part_read(vocabulary: Vocabulary, module: str, rules: list[Rule], plan: StagePlan) -> Vocabulary:
    """The part of the folder's vocabulary a pack judges with: the shared facts and situations and those of its own
    bundle (pack.yaml `module`) and of any other bundle whose fact its conditions read, whose fact or detail its
    messages show, or whose situation its stage order reads. Its subjects are built with those bundles' builders
    alone (a PTI village was also given every fact of the UU 6/2014 bundle, which no rule of the PTI reads)."""
    read = {(r.subject, c.fact) for r in rules for dnf in r.asked.values() for conj in dnf for c in conj}
    read |= {(r.subject, name) for r in rules for text in _texts(r) for name in placeholders(text)}
    read |= {("when", name) for sequence in plan.sequences for case in sequence.when for name in case}
    used = {vocabulary.origin.get(key) or vocabulary.detail_origin.get(key) for key in read}
    used |= {b.id for b in vocabulary.bundles if b.module.__name__ == module}
    return vocabulary.part(used - {None})


def _texts(rule: Rule) -> list[str]:
    return [*rule.message.values(), *rule.remediation.values()]


@functools.cache
def placeholders(template: str) -> frozenset[str]:
    """The {names} a message or remediation fills in (ValueError: not a template; the templates are few: kept)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _load_stages(path: Path, situations: dict[str, FactSpec], schema: bytes) -> tuple[bytes, StagePlan]:
    """The stage file's bytes and its plan."""
    raw, data = _read_yaml(path)
    _validate(path, raw, data, schema, "stages")
    try:
        return raw, stages.parse(data, situations)
    except ValueError as exc:
        raise RulePackError(f"{path}: {exc}") from None


def _build_rule(path: Path, family: str, entry: dict[str, Any], catalogue: dict[str, dict[str, FactSpec]]) -> Rule:
    rid = entry["id"]
    if not rid.startswith(family + "-"):
        raise RulePackError(f"{path}: {rid}: aturan ini bukan milik keluarga {family}")
    subject = entry["subject"]
    if subject not in catalogue:
        raise RulePackError(f"{path}: {rid}: subject '{subject}' tidak dikenal; pilihan: {', '.join(catalogue)}")
    rule = Rule(
        id=rid,
        family=family,
        subject=subject,
        severity=entry["severity"],
        reference=entry["reference"],
        title=entry["title"],
        message=entry["message"],
        remediation=entry["remediation"],
        description=entry.get("description", "").strip(),
        path=entry.get("path", ""),
        requires=entry.get("requires", []),
        verdicts=entry.get("verdicts", {}),
        source_file=path.name,
    )
    for text in _texts(rule):
        try:
            placeholders(text)
        except ValueError as exc:  # "{tanggal": a brace never closed
            raise RulePackError(f"{path}: {rid}: message/remediation: {exc}: {text!r}") from None
    for part in PARTS:
        if part in entry:
            _check_condition(path, rid, part, subject, catalogue[subject], entry[part])
            rule.written[part] = entry[part]
    for question, condition in questions(rule.written).items():
        rule.asked[question] = to_dnf(condition)
        if len(rule.asked[question]) > MAX_CONJUNCTIONS:
            raise RulePackError(
                f"{path}: {rid}: kondisi '{question}' terlalu bercabang ({len(rule.asked[question])} > {MAX_CONJUNCTIONS})"
            )
    return rule


def _check_condition(
    path: Path, rid: str, part: str, subject: str, known: dict[str, FactSpec], condition: dict[str, Any]
) -> None:
    for fact, op, value in atoms(condition):
        where = f"{path}: {rid}.{part}: fact '{fact}'"
        if fact in RESERVED:
            raise RulePackError(f"{where}: nama ini dipakai mesin aturan dan tidak boleh diuji")
        if fact not in known:
            raise RulePackError(f"{where} tidak dikenal untuk subject '{subject}'; lihat docs/facts.md")
        expected = known[fact].type
        values = value if isinstance(value, list) else [value]
        if op in NUMERIC and expected is not int:
            raise RulePackError(f"{where}: '{op}' hanya untuk fakta bilangan, fakta ini {expected.__name__}")
        for v in values:
            if type(v) is not expected:
                raise RulePackError(
                    f"{where}: nilai {v!r} bertipe {type(v).__name__}, fakta ini bertipe {expected.__name__}"
                )


HEADS = ("desa", "kecamatan")  # subjects that are a dossier itself, the only ones judged in the first phase


def _first_phase(base: Path, verdict: Rule, required: list[Rule]) -> None:
    """A verdict and the rules it requires are judged first, on the dossier's own subject, and may
    not test the verdict fact they decide."""
    if verdict.subject not in HEADS:
        raise RulePackError(f"{base}: {verdict.id}: verdict harus tentang dossier itu sendiri ({', '.join(HEADS)})")
    for rule in [verdict, *required]:
        if rule.subject != verdict.subject:
            raise RulePackError(f"{base}: {verdict.id}: {rule.id} harus ber-subject '{verdict.subject}' seperti verdict-nya")
        if any(fact == VERDICT_FACT for part in rule.written.values() for fact, _, _ in atoms(part)):
            raise RulePackError(f"{base}: {rule.id}: fakta {VERDICT_FACT} baru diketahui sesudah verdict {verdict.id}")
        rule.phase = 1


def _check_pack(base: Path, rules: list[Rule]) -> None:
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RulePackError(f"{base}: ID aturan ganda: {', '.join(duplicates)}")
    for rule in rules:
        unknown = [r for r in rule.requires if r not in ids or rule.id == r]
        if unknown:
            raise RulePackError(f"{base}: {rule.id}: requires menyebut aturan yang tidak ada: {', '.join(unknown)}")
        if any(rules[ids.index(r)].is_verdict for r in rule.requires):
            raise RulePackError(f"{base}: {rule.id}: verdict tidak boleh bergantung pada verdict lain")
        if rule.is_verdict:
            _first_phase(base, rule, [rules[ids.index(r)] for r in rule.requires])
    values: dict[tuple[str, str], set] = {}
    for rule in rules:
        for dnf in rule.asked.values():
            for conj in dnf:
                for comparison in conj:
                    values.setdefault((rule.subject, comparison.fact), set()).add(comparison.value)
    for (subject, fact), seen in values.items():
        if len(seen) > MAX_VALUES_PER_FACT:
            raise RulePackError(f"{base}: fakta {subject}.{fact} diuji dengan {len(seen)} nilai berbeda (maks. {MAX_VALUES_PER_FACT})")
