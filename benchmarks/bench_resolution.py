"""Party resolution on synthetic party tables of 10k, 100k and 1M records: time, peak memory, precision, recall.

    .venv/bin/python benchmarks/bench_resolution.py [--sizes 10000,100000,1000000] [--seed 7]

The generator makes *entities* (the truth) and, for each, one to six *records* as different lists and
editions would publish them: firms from Brazil (accents, LTDA / EIRELI / ME, upper case, a CNPJ on most
records), China (pinyin names, some written in Chinese characters; "Co., Ltd.", "Group"), Russia (some in
Cyrillic; LLC / OOO), and elsewhere (English legal forms, Sdn. Bhd., PT, S.A. de C.V.); organisations;
persons with a CPF on every record (homonyms abound, as in the Brazilian list); vessels with numbers; DOL
country-and-good pairs. Each record varies its entity's name: case, accents, punctuation, legal form
changed or dropped, "Group" added, words reordered, transliterated, one typo; some records use a former
name that another record states; some state aliases. Hard negatives: homonyms in another country, CNPJ
branches with the same name (related, not the same party), names differing only in a number.

Each size runs in a fresh subprocess; `peak RSS` is that process's maximum resident set (generation
included), `resolve +RSS` the growth of the peak during resolution. Precision and recall are over pairs of
records (same entity vs same party). Targets (issue 5): 100k under 30 s; 1M under 12x the 100k time;
precision >= 0.99 and recall >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from anyascii import anyascii
from stdnum.br import cnpj

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fast_pipeline.core.canonical import to_json_list  # noqa: E402
from fast_pipeline.core.text import fold  # noqa: E402
from fast_pipeline.resolution import resolve  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
RECORDS_PER_ENTITY = ((1, 0.40), (2, 0.27), (3, 0.15), (4, 0.09), (5, 0.05), (6, 0.04))

ONSETS = "b c d f g h j k l m n p r s t v z br cr dr gr pr tr st ch pl fl".split()
VOWELS = "a e i o u ai ei ou ia ar on en al el or".split()
PT_ACCENTS = str.maketrans({"a": "á", "e": "ê", "o": "ô", "i": "í", "u": "ú"})
# Han characters whose transliteration is one plain syllable; trade names take two or three of them.
HANZI = [chr(c) for c in range(0x4E00, 0x9FA6) if anyascii(chr(c)).isalpha() and anyascii(chr(c))[1:].islower()]
PLACES = (
    "新疆 广东 浙江 江苏 山东 福建 上海 北京 四川 湖北 河南 安徽 深圳 宁波 青岛 厦门 大连 天津 昌吉 和田 "
    "喀什 阿克苏 石河子 乌鲁木齐 吐鲁番 哈密 广州 杭州 苏州 无锡 温州 义乌 东莞 佛山 泉州 晋江 武汉 长沙 成都 "
    "重庆"
).split()
CN_TRADES = (
    "纺织 贸易 科技 电子 服装 农业 化工 机械 材料 食品 能源 物流 棉业 硅业 光伏 鞋业 玩具 家具 渔业 矿业".split()
)
CN_TRADES_EN = (
    "Textile Trading Technology Electronics Garment Agriculture Chemical Machinery Materials Foods "
    "Energy Logistics Cotton Silicon Photovoltaic Footwear Toys Furniture Fishery Mining"
).split()
CYR_ONSETS = "б в г д ж з к л м н п р с т ф х ч ш ст пр тр кр гр бр дв зв сл".split()
CYR_VOWELS = "а е и о у ы я ой ай ар ор ин ов ан ен ол".split()
RU_TRADES = [
    ("Агро", "Agro"),
    ("Строй", "Stroy"),
    ("Трейд", "Treyd"),
    ("Лес", "Les"),
    ("Рыба", "Ryba"),
    ("Металл", "Metall"),
    ("Нефть", "Neft"),
]
BR_PREFIXES = (
    "Agropecuária Fazenda Carvoaria Construtora Mineração Destilaria Agroindustrial Cerâmica "
    "Transportes Confecções Madeireira Laticínios"
).split()
BR_LEGAL = ["Ltda", "LTDA - ME", "EIRELI", "ME", "S.A.", "S/A", "EPP", "Ltda.", ""]
EN_TRADES = (
    "Textile Trading Fishing Seafood Garment Electronics Mining Agriculture Rubber Apparel Logistics "
    "Foods Industries Manufacturing Solar Cotton Tea Cocoa Timber Brick"
).split()
EN_LEGAL = ["Co., Ltd.", "Co. Ltd", "Company Limited", "Ltd.", "Limited", "Inc.", "Corp.", "LLC", "Pvt. Ltd."]
COUNTRY_LEGAL = {
    "MY": ["Sdn. Bhd.", "Sdn Bhd", "Berhad"],
    "MX": ["S.A. de C.V.", "SA de CV", "S.A."],
    "ID": ["PT", "Tbk"],
}
EN_COUNTRIES = ["US", "GB", "IN", "MY", "TH", "VN", "ID", "MX", "TR", "BD", "PK", "KR", "GH", "CI", "PE"]
FIRST_NAMES = (
    "José Maria João Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel Rafael Daniel "
    "Marcelo Bruno Eduardo Felipe Raimundo Ana Francisca Antônia Adriana Juliana"
).split()
LAST_NAMES = (
    "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins "
    "Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa"
).split()
GOODS = (
    "Cotton Gold Bricks Sugarcane Coffee Cocoa Tobacco Cattle Fish Shrimp Garments Carpets Rice Tea Coal "
    "Diamonds Rubber Palm-oil Timber Cassiterite Cobalt Mica Polysilicon Gloves Tomatoes"
).split()


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.records: list[dict] = []
        self.truth: list[int] = []
        self.entities = 0
        self.good_entities: dict[str, int] = {}
        self.used_cnpj_bases: set[str] = set()

    # --- words ---------------------------------------------------------------------------------------
    def word(self, syllables: tuple[int, int] = (2, 3)) -> str:
        r = self.rng
        return "".join(r.choice(ONSETS) + r.choice(VOWELS) for _ in range(r.randint(*syllables))).capitalize()

    def pt_word(self) -> str:
        w = self.word((2, 4))
        if self.rng.random() < 0.5:
            i = self.rng.randrange(len(w))
            w = w[:i] + w[i:].translate(PT_ACCENTS)[:1] + w[i + 1 :]
        return w.replace("ss", "ç", 1) if self.rng.random() < 0.2 else w

    def hanzi(self, n: int) -> str:
        return "".join(self.rng.choice(HANZI) for _ in range(n))

    @staticmethod
    def pinyin(chars: str) -> str:
        return anyascii(chars).capitalize()

    def cyrillic_word(self) -> str:
        r = self.rng
        return "".join(r.choice(CYR_ONSETS) + r.choice(CYR_VOWELS) for _ in range(r.randint(2, 3))).capitalize()

    # --- identifiers ---------------------------------------------------------------------------------
    def cnpj(self, base: str | None = None, branch: int = 1) -> str:
        while base is None or (branch == 1 and base in self.used_cnpj_bases):
            base = f"{self.rng.randrange(10**8):08d}"
        self.used_cnpj_bases.add(base)
        body = f"{base}{branch:04d}"
        return body + cnpj.calc_check_digits(body)

    def cpf(self) -> str:
        """11 digits (check digits not computed: only equality matters to resolution)."""
        return f"{self.rng.randrange(10**11):011d}"

    # --- entities ------------------------------------------------------------------------------------
    def company(self) -> dict:
        """An entity: its name parts per style, so that variants can be rebuilt."""
        r = self.rng.random()
        if r < 0.30:
            prefix = self.rng.choice(BR_PREFIXES)
            words = [self.pt_word() for _ in range(self.rng.randint(1, 2))]
            return {
                "style": "br",
                "country": "BR",
                "words": [prefix, *words],
                "legal": self.rng.choice(BR_LEGAL),
                "cnpj": self.cnpj(),
            }
        if r < 0.55:
            place, proper = self.rng.choice(PLACES), self.hanzi(self.rng.randint(2, 3))
            trade = self.rng.randrange(len(CN_TRADES))
            pinyin_trade = self.rng.random() < 0.5
            return {
                "style": "cn",
                "country": "CN",
                "hanzi": place + proper + CN_TRADES[trade],
                "words": [
                    self.pinyin(place),
                    self.pinyin(proper),
                    self.pinyin(CN_TRADES[trade]) if pinyin_trade else CN_TRADES_EN[trade],
                ],
                "pinyin": pinyin_trade,
                "legal": "Co., Ltd.",
            }
        if r < 0.62:
            cyr, trade = self.cyrillic_word(), self.rng.choice(RU_TRADES)
            return {
                "style": "ru",
                "country": "RU",
                "cyrillic": f"{cyr} {trade[0]}",
                "words": [anyascii(cyr), trade[1]],
                "legal": self.rng.choice(["LLC", "OOO", "JSC"]),
            }
        country = self.rng.choice(EN_COUNTRIES)
        words = [self.word() for _ in range(self.rng.randint(1, 2))] + [self.rng.choice(EN_TRADES)]
        legal = self.rng.choice(COUNTRY_LEGAL.get(country, EN_LEGAL))
        return {"style": "en", "country": country, "words": words, "legal": legal}

    def company_name(self, e: dict, *, vary: bool) -> str:
        rng = self.rng
        if not vary:
            return " ".join([*e["words"], e["legal"]]).strip()
        if e["style"] == "cn" and e["pinyin"] and rng.random() < 0.25:
            return e["hanzi"] + rng.choice(["有限公司", "股份有限公司", "集团有限公司"])
        if e["style"] == "ru" and rng.random() < 0.3:
            return f"ООО «{e['cyrillic']}»"
        words = list(e["words"])
        legal = e["legal"]
        if rng.random() < 0.45:
            pool = {
                "br": BR_LEGAL,
                "cn": ["Co., Ltd.", "Co Ltd", "Company Limited", "Group Co., Ltd.", "Ltd."],
                "ru": ["LLC", "OOO", "JSC", "Ltd."],
            }.get(e["style"], COUNTRY_LEGAL.get(e["country"], EN_LEGAL))
            legal = rng.choice([*pool, ""])
        if e["style"] in ("cn", "en") and rng.random() < 0.04:
            words.append("Group")
        if rng.random() < 0.03 and len(words) > 1:
            words = words[1:] + words[:1]
        if rng.random() < 0.10:
            words = self.typo(words)
        name = " ".join([*words, legal]).strip() if legal != "PT" else " ".join(["PT", *words])
        if e["style"] == "br" and rng.random() < 0.4:
            name = anyascii(name)
        r = rng.random()
        if r < 0.25:
            name = name.upper()
        elif r < 0.30:
            name = name.lower()
        if rng.random() < 0.3:
            name = name.replace(".", "").replace(",", "")
        elif rng.random() < 0.1:
            name = name.replace(" ", " - ", 1)
        return name

    def typo(self, words: list[str]) -> list[str]:
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        if not long:
            return words
        i = self.rng.choice(long)
        w, k = words[i], self.rng.randrange(1, len(words[i]) - 1)
        op = self.rng.randrange(4)
        if op == 0:
            w = w[:k] + w[k + 1 :]
        elif op == 1:
            w = w[:k] + self.rng.choice("aeiourstn") + w[k:]
        elif op == 2:
            w = w[:k] + self.rng.choice("aeiourstn") + w[k + 1 :]
        else:
            w = w[: k - 1] + w[k] + w[k - 1] + w[k + 1 :]
        return [*words[:i], w, *words[i + 1 :]]

    # --- records -------------------------------------------------------------------------------------
    def count(self) -> int:
        r, acc = self.rng.random(), 0.0
        for n, p in RECORDS_PER_ENTITY:
            acc += p
            if r < acc:
                return n
        return RECORDS_PER_ENTITY[-1][0]

    def add(self, entity: int, name: str, kind: str, country: str | None, identifiers=(), aliases=(), former=()):
        self.records.append(
            {
                "party_name": name,
                "party_kind": kind,
                "party_country": country,
                "identifiers": to_json_list(identifiers),
                "aliases": to_json_list(sorted(set(aliases))),
                "former_names": to_json_list(sorted(set(former))),
            }
        )
        self.truth.append(entity)

    def new_entity(self) -> int:
        self.entities += 1
        return self.entities

    def emit_company(self, e: dict, kind: str = "company", *, all_ids: bool = False, no_country: bool = True):
        """Records of one entity; with 12% chance it also has another name (a former name or an alias),
        stated by its first record and used by some of the others."""
        eid, n = self.new_entity(), self.count()
        other = self.company() if n > 1 and self.rng.random() < 0.12 else None
        other_role = self.rng.choice(["former", "alias"])
        other = dict(other, country=e["country"]) if other else None
        stated = self.company_name(other, vary=False) if other else None
        for k in range(n):
            use_other = other is not None and k > 0 and self.rng.random() < 0.5
            name = self.company_name(other if use_other else e, vary=True)
            country = None if no_country and self.rng.random() < 0.08 else e["country"]
            ids = (
                [{"scheme": "BR-CNPJ", "value": e["cnpj"]}]
                if "cnpj" in e and (all_ids or self.rng.random() < 0.75)
                else []
            )
            states = [stated] if stated and k == 0 else []
            self.add(
                eid,
                name,
                kind,
                country,
                ids,
                aliases=states if other_role == "alias" else (),
                former=states if other_role == "former" else (),
            )

    def emit(self) -> None:
        r = self.rng.random()
        if r < 0.82:
            e = self.company()
            homonym = self.rng.random() < 0.03
            branch = e["style"] == "br" and self.rng.random() < 0.03
            self.emit_company(e, all_ids=branch, no_country=not homonym)
            if homonym:  # the same name elsewhere: a different party
                other = dict(
                    e, country=self.rng.choice([c for c in ("BR", "CN", "RU", *EN_COUNTRIES) if c != e["country"]])
                )
                other.pop("cnpj", None)
                self.emit_company(other, no_country=False)
            if branch:  # another establishment of the same CNPJ base, same name: related, not the same
                self.emit_company(dict(e, cnpj=self.cnpj(e["cnpj"][:8], 2)), all_ids=True)
        elif r < 0.86:
            words = [
                self.word((3, 4)),
                self.rng.choice(["Public Security Bureau", "Training Center", "Prison", "Labor Bureau", "Regiment"]),
            ]
            self.emit_company(
                {"style": "org", "country": self.rng.choice(["CN", "MM", "KP"]), "words": words, "legal": ""},
                kind="organisation",
            )
        elif r < 0.96:
            eid, n, number = self.new_entity(), self.count(), self.cpf()
            name = " ".join(
                [self.rng.choice(FIRST_NAMES), self.rng.choice(["da", "dos", "de", ""]), self.rng.choice(LAST_NAMES)]
            ).replace("  ", " ")
            for _ in range(n):
                shown = name.upper() if self.rng.random() < 0.6 else name
                self.add(
                    eid,
                    anyascii(shown) if self.rng.random() < 0.3 else shown,
                    "person",
                    "BR",
                    [{"scheme": "BR-CPF", "value": number}],
                )
        elif r < 0.98:
            eid, n = self.new_entity(), self.count()
            base, number = f"{self.word()} {self.word()}", self.rng.randrange(1, 999)
            imo = f"{self.rng.randrange(10**6, 10**7)}" if self.rng.random() < 0.5 else None
            for _ in range(n):
                name = f"{base} {number}"
                self.add(
                    eid,
                    name.upper() if self.rng.random() < 0.5 else name,
                    "vessel",
                    self.rng.choice(["CN", "TW"]) if self.rng.random() < 0.2 else "CN",
                    [{"scheme": "IMO", "value": imo}] if imo else [],
                )
            self.emit_vessel_sibling(base, number)
        else:
            good = self.rng.choice(GOODS) if self.rng.random() < 0.5 else self.word()
            country = self.rng.choice(EN_COUNTRIES)
            key = f"{country}|{fold(good)}"
            eid = self.good_entities.setdefault(key, self.new_entity())
            for _ in range(min(self.count(), 2)):
                self.add(
                    eid, f"{good} — {country}", "country_good", country, [{"scheme": "COUNTRY_GOOD", "value": key}]
                )

    def emit_vessel_sibling(self, base: str, number: int) -> None:
        """A sister ship: same name, the next number. A different party."""
        if self.rng.random() < 0.3:
            self.add(self.new_entity(), f"{base} {number + 1}", "vessel", "CN")

    def table(self, size: int) -> tuple[pd.DataFrame, list[int]]:
        while len(self.records) < size:
            self.emit()
        order = list(range(size))
        self.rng.shuffle(order)
        frame = pd.DataFrame([self.records[i] for i in order])
        frame.insert(0, "party_record_id", [f"rec-{n:07d}" for n in range(size)])
        return frame, [self.truth[i] for i in order]


def pair_scores(truth: list[int], predicted: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against the truth."""
    frame = pd.DataFrame({"t": truth, "p": predicted})

    def pairs(counts: pd.Series) -> int:
        return int((counts * (counts - 1) // 2).sum())

    both = pairs(frame.groupby(["t", "p"]).size())
    found, true = pairs(frame.groupby("p").size()), pairs(frame.groupby("t").size())
    return (both / found if found else 1.0), (both / true if true else 1.0)


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_one(size: int, seed: int) -> dict:
    started = time.perf_counter()
    records, truth = Generator(seed).table(size)
    generated = time.perf_counter() - started
    before_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = _rss_kib()
    started = time.perf_counter()
    result = resolve(records)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    members = dict(zip(result.members["party_record_id"], result.members["party_id"]))
    precision, recall = pair_scores(truth, [members[r] for r in records["party_record_id"]])
    return {
        "size": size,
        "entities": len(set(truth)),
        "parties": len(result.parties),
        "links": len(result.party_links),
        "redirects": len(result.party_redirects),
        "generate_s": generated,
        "resolve_s": seconds,
        "peak_rss_mib": peak / 1024,
        "resolve_rss_mib": (max(peak, before_peak) - before) / 1024,
        "precision": precision,
        "recall": recall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated record counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one size in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return
    print(
        f"{'records':>9} {'entities':>9} {'parties':>9} {'resolve s':>9} {'peak RSS':>9} {'resolve +RSS':>12} "
        f"{'precision':>9} {'recall':>7}"
    )
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)], capture_output=True, text=True
        )
        if proc.returncode != 0:
            sys.exit(f"size {size} failed:\n{proc.stderr}")
        r = results[size] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{size:>9,} {r['entities']:>9,} {r['parties']:>9,} {r['resolve_s']:>9.2f} "
            f"{r['peak_rss_mib']:>7.0f} M {r['resolve_rss_mib']:>10.0f} M {r['precision']:>9.4f} {r['recall']:>7.4f}",
            flush=True,
        )
    if 100_000 in results:
        print(f"100k: {results[100_000]['resolve_s']:.1f} s (target < 30 s)")
    if 100_000 in results and 1_000_000 in results:
        ratio = results[1_000_000]["resolve_s"] / results[100_000]["resolve_s"]
        print(f"1M / 100k time: {ratio:.1f}x (target < 12x)")
    print("targets: precision >= 0.99, recall >= 0.95")


if __name__ == "__main__":
    main()
