"""Synthetic knowledge bases for benchmarks: realistic papers over a real taxonomy.

``synth_papers(taxonomy, n, seed)`` maps a taxonomy (a ``KnowledgeBase`` read without papers)
to ``n`` valid ``Paper`` models, the same ones for the same seed: several authors drawn from a
skewed pool (a few prolific people, a long tail), venues, years, one to three classifications
down to a subcategory, the survey section of each placement, benchmarks introduced or used,
relations to other papers, arXiv ids, DOIs, code links and summaries.

Every paper a subcategory names as ``representative`` is generated first, with that id and
classified under that subcategory, so the real taxonomy can be copied as it is and still
validates. The edges are ``open_taxonomy`` (reads the records) and ``write_base`` (writes one).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Iterable, Sequence

from safetyatlas.ids import make_paper_id
from safetyatlas.kb import KnowledgeBase
from safetyatlas.people import identity
from safetyatlas.pipeline import open_taxonomy
from safetyatlas.kinds import paper_path
from safetyatlas.schema import Author, Classification, Paper, Relation
from safetyatlas.writing import dump_paper
from safetyatlas.textnorm import normalise_title

# --- vocabulary ---------------------------------------------------------------------------

_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie Tang Song "
    "Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao "
    "Smith Johnson Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson Taylor Thomas Moore Jackson "
    "Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams "
    "Nelson Baker Carter Mitchell Perez Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart "
    "Kim Park Choi Jung Kang Cho Yoon Jang Lim Shin Nguyen Tran Pham Le Hoang Singh Kumar Sharma Gupta Patel Shah "
    "Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Schmidt Schneider Fischer Weber Meyer Wagner "
    "Becker Hoffmann Rossi Russo Ferrari Esposito Bianchi Romano Dubois Moreau Laurent Simon Michel Ivanov Petrov "
    "Carlini Goodfellow Papernot Madry Kolter Hendrycks Steinhardt Wallace Zou Chao Wei Perez Ganguli Askell"
).split() + ["Müller", "Tramèr", "Çelik", "Østergaard", "Łukasz", "Jiménez", "Núñez", "Söderström", "Dvořák", "O'Brien"]

_GIVEN = (
    "Wei Jing Yu Hao Xin Yang Jun Lei Tao Bo Chen Fan Kai Ming Qi Rui Xiao Yi Zhe Hui Lin Jie Peng Ying Zhi "
    "James John Robert Michael William David Richard Joseph Thomas Daniel Matthew Anthony Mark Andrew Joshua "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Emily Anna Laura Julia Sophie "
    "Nicholas Florian Eric Zico Aleksander Ian Nicolas Dan Jacob Deep Andy Milad Percy Tatsunori Yejin Sewon "
    "Minjoon Jihoon Seungwoo Hyun Arjun Priya Rahul Ankit Neha Vikram Kenji Yuki Haruto Sakura Lukas Felix Jonas "
    "Marco Luca Giulia Chiara Pierre Camille Louis Elena Dmitri Olga Mikhail Ahmed Omar Fatima Yasmin Ali"
).split() + ["José", "Zoë", "Björn", "Sébastien", "Anaïs", "Jiří"]

_SYLLABLES = "ka lo mi ra ve to shi an el or un ix za qu ber ton mar len dor fi sa ru ne go pa ti ho ju wen xia".split()

_ADJECTIVES = (
    "Robust Universal Transferable Stealthy Efficient Scalable Certified Adaptive Practical Provable Black-Box "
    "White-Box Query-Efficient Multi-Turn Cross-Modal Invisible Persistent Lightweight Automated Interpretable "
    "Data-Free Training-Free Plug-and-Play Compositional Hierarchical Contrastive Diffusion-Based Gradient-Guided"
).split()

_VERBS = (
    "Uncovering Mitigating Detecting Exploiting Evaluating Benchmarking Defending Breaking Rethinking Understanding "
    "Measuring Auditing Hardening Revisiting Characterizing Removing Purifying Steering Probing Quantifying"
).split()

_NOUNS = ("vulnerabilities risks failure modes attack surfaces safety guardrails alignment robustness behaviours blind spots shortcuts trade-offs limits triggers leaks").split()

_TECHNIQUES = (
    "Reinforcement Learning|Evolutionary Search|Representation Engineering|Adversarial Training|Prompt Optimization|"
    "Knowledge Distillation|Randomized Smoothing|Activation Patching|Contrastive Decoding|Self-Reflection|"
    "Game-Theoretic Analysis|Red Teaming|Model Editing|Spectral Signatures|Influence Functions|Tree Search|"
    "Low-Rank Adaptation|Curriculum Learning|Ensemble Voting|Causal Intervention"
).split("|")

_SUMMARY = (
    "We propose {what} and show that it {effect} on {n} {target} while keeping utility close to the baseline.",
    "This paper studies {what} and finds that {target} remain exposed even under strong defences.",
    "A systematic study of {what} across {n} {target}, with a public benchmark and code.",
)
_EFFECTS = (
    "raises the attack success rate by a wide margin",
    "cuts the attack success rate by half",
    "transfers to closed models",
    "generalises to unseen threats",
    "runs an order of magnitude faster",
)

_YEARS = {2016: 1, 2017: 2, 2018: 3, 2019: 5, 2020: 8, 2021: 14, 2022: 40, 2023: 160, 2024: 330, 2025: 260, 2026: 40}
_AUTHOR_COUNTS = {1: 3, 2: 20, 3: 60, 4: 80, 5: 105, 6: 85, 7: 60, 8: 60, 9: 40, 10: 45}
_CLASSIFICATION_COUNTS = {1: 70, 2: 24, 3: 6}
_ROLES = {"method": 84, "analysis": 8, "benchmark": 5, "background": 1.5, "survey": 0.7, "dataset": 0.6, "position": 0.2}
_RELATION_TYPES = {"related": 40, "extends": 20, "improves-on": 20, "attacks": 8, "defends-against": 8, "evaluates": 4}
_ADDED_FROM = dt.date(2025, 1, 1)


# --- reading the taxonomy -------------------------------------------------------------------


def required_papers(kb: KnowledgeBase) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Paper id -> the (scope, category, subcategory) nodes that name it as representative.

    Papers a challenge cites must exist too; they get no required node (they are placed at random).
    """
    out: dict[str, list[tuple[str, str, str]]] = {}
    for s in kb.scopes.values():
        for c in s.categories:
            for sub in c.subcategories:
                for pid in sub.representative:
                    out.setdefault(pid, []).append((s.id, c.id, sub.id))
    for ch in kb.challenges.values():
        for pid in ch.papers:
            out.setdefault(pid, [])
    return {pid: tuple(nodes) for pid, nodes in sorted(out.items())}


# --- generating papers ----------------------------------------------------------------------


class _Weighted:
    """A fixed weighted choice (bisect over cumulative weights, so large pools stay cheap)."""

    def __init__(self, items: Sequence, weights: Iterable[float]):
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


def _table(d: dict) -> _Weighted:
    return _Weighted(list(d), list(d.values()))


_ID_PARTS = re.compile(r"^([a-z]+)([0-9]{4})([a-z0-9]+)$")


@dataclass(frozen=True)
class _Slot:
    """One subcategory a paper can be classified under, with the words its titles draw on."""

    family: str
    threat: str
    side: str
    category: str
    subcategory: str
    words: str  # the subcategory's name
    target: str  # the model family's name
    sections: tuple[str, ...]


class _Synth:
    def __init__(self, kb: KnowledgeBase, n: int, rng: random.Random):
        self.kb, self.rng = kb, rng
        self.slots: dict[tuple[str, str, str], _Slot] = {}
        scope_slots: list[list[_Slot]] = []
        for s in kb.scopes.values():
            sections = self._sections(s.family, s.threat, s.side)
            mine = []
            for c in s.categories:
                for sub in c.subcategories:
                    slot = _Slot(s.family, s.threat, s.side, c.id, sub.id, sub.name, kb.families[s.family].name, sections)
                    self.slots[(s.id, c.id, sub.id)] = slot
                    mine.append(slot)
            scope_slots.append(mine)
        # some scopes are far busier than others (jailbreaks on LLMs vs. IP protection of SAM)
        self.scopes = _Weighted(scope_slots, [len(x) * rng.uniform(0.2, 3.0) for x in scope_slots])
        venues = list(kb.venues.values())
        weights = [0.0 if v.id == "arxiv" else rng.uniform(0.2, 3.0) if v.type == "conference" else rng.uniform(0.05, 0.6) for v in venues]
        weights = [0.75 * sum(weights) if v.id == "arxiv" else w for v, w in zip(venues, weights)]  # about 43% preprints, as in the survey
        self.venues = _Weighted(venues, weights)
        self.benchmarks = list(kb.benchmarks)
        # spellings taxonomy/people.yaml lists as another's variant would (rightly) be warned about
        self.variants = {identity(p.family, v) for p in kb.people.values() for v in p.variants}
        self.people = self._people(max(300, 3 * n))
        self.years, self.author_counts = _table(_YEARS), _table(_AUTHOR_COUNTS)
        self.class_counts, self.roles, self.relation_types = _table(_CLASSIFICATION_COUNTS), _table(_ROLES), _table(_RELATION_TYPES)
        self.titles: set[str] = set()
        self.arxiv: set[str] = set()
        self.introduced: set[str] = set()  # one introducing paper per benchmark, as validation expects
        self.done: list[str] = []

    def _sections(self, family: str, threat: str, side: str) -> tuple[str, ...]:
        root = self.kb.root_family(family)
        fits = [s for s in self.kb.sections.values() if s.chapter == root and s.family in (None, family) and s.threat in (None, threat) and s.side in (None, side)]
        best = max((sum(x is not None for x in (s.family, s.threat, s.side)) for s in fits), default=0)
        return tuple(s.id for s in fits if sum(x is not None for x in (s.family, s.threat, s.side)) == best)

    def _people(self, size: int) -> _Weighted:
        rng = self.rng
        seen: set[tuple[str, str]] = set()
        people: list[Author] = []
        while len(people) < size:
            if rng.random() < 0.5:
                family = rng.choice(_SURNAMES)
            else:
                family = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()
            given = rng.choice(_GIVEN) + (f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.15 else "")
            if (family, given) not in seen and identity(family, given) not in self.variants:
                seen.add((family, given))
                people.append(Author(family=family, given=given))
        return _Weighted(people, [1 / (i + 5) ** 0.9 for i in range(size)])  # a few prolific authors

    def authors(self, first: str | None = None) -> tuple[tuple[Author, ...], bool]:
        k = self.author_counts.pick(self.rng)
        given = self.rng.choice([g for g in _GIVEN if identity(first.capitalize(), g) not in self.variants]) if first else ""
        out: list[Author] = [Author(family=first.capitalize(), given=given)] if first else []
        while len(out) < k:
            a = self.people.pick(self.rng)
            if a not in out:
                out.append(a)
        return tuple(out), k == 10 and self.rng.random() < 0.5

    def classification(self, slot: _Slot, representative: bool = False) -> Classification:
        role = self.roles.pick(self.rng)
        if representative and role == "background":
            role = "method"
        placed = {} if role == "background" else {"category": slot.category, "subcategory": slot.subcategory}  # context sits at its scope
        return Classification(family=slot.family, threat=slot.threat, side=slot.side, role=role, section=self.rng.choice(slot.sections) if slot.sections else None, **placed)

    def random_slots(self) -> list[_Slot]:
        want = self.class_counts.pick(self.rng)
        out: list[_Slot] = []
        for _ in range(want * 3):
            slot = self.rng.choice(self.scopes.pick(self.rng))
            if slot not in out:
                out.append(slot)
            if len(out) == want:
                break
        return out

    def title(self, slot: _Slot, lead: str | None = None) -> str:
        rng = self.rng
        while True:
            words, target = slot.words, slot.target
            shape = rng.randrange(5)
            if shape == 0:
                body = f"{rng.choice(_ADJECTIVES)} {words} against {target} via {rng.choice(_TECHNIQUES)}"
            elif shape == 1:
                body = f"{rng.choice(_VERBS)} the {rng.choice(_NOUNS)} of {target}: {words} with {rng.choice(_TECHNIQUES)}"
            elif shape == 2:
                coined = "".join(rng.choice(_SYLLABLES).capitalize() for _ in range(2))
                body = f"{coined}: {rng.choice(_ADJECTIVES)} {words} for {target}"
            elif shape == 3:
                body = f"On the {rng.choice(_NOUNS)} of {words} in {target} under {rng.choice(_TECHNIQUES)}"
            else:
                body = f"{rng.choice(_VERBS)} {rng.choice(_ADJECTIVES)} {words}: {rng.choice(_TECHNIQUES)} for {target}"
            title = f"{lead}: {body}" if lead else body
            key = normalise_title(title)
            if key not in self.titles:
                self.titles.add(key)
                return title

    def arxiv_id(self, year: int) -> str:
        while True:
            ident = f"{year % 100:02d}{self.rng.randint(1, 12):02d}.{self.rng.randrange(100000):05d}"
            if ident not in self.arxiv:
                self.arxiv.add(ident)
                return ident

    def paper(self, pid: str | None, slots: list[_Slot], taken: set[str]) -> Paper:
        rng = self.rng
        pid_given = pid is not None  # a paper a subcategory names as representative must sit there
        parts = _ID_PARTS.match(pid) if pid else None
        year = int(parts.group(2)) if parts and 2000 <= int(parts.group(2)) <= 2026 else self.years.pick(rng)
        authors, truncated = self.authors(parts.group(1) if parts else None)
        title = self.title(slots[0], parts.group(3).capitalize() if parts else None)
        if pid is None:
            try:
                pid = make_paper_id(authors[0].family, year, title, taken)
            except ValueError:  # 26 papers share the cite key: pick another title
                return self.paper(None, slots, taken)
        venue = self.venues.pick(rng)
        data: dict = {
            "id": pid,
            "title": title,
            "authors": authors,
            "authors_truncated": truncated,
            "year": year,
            "venue": venue.id,
            "entry_type": venue.entry_type,
            "classifications": tuple(self.classification(s, representative=pid_given) for s in slots),
            "added": _ADDED_FROM + dt.timedelta(days=rng.randrange(690)),
        }
        if venue.id == "arxiv" or rng.random() < 0.4:
            data["arxiv"] = self.arxiv_id(year)
        if venue.type == "journal":
            data.update(volume=str(rng.randint(1, 60)), number=str(rng.randint(1, 12)), doi=f"10.{rng.randint(1000, 9999)}/{pid}.{year}", publisher="IEEE")
        if venue.entry_type == "inproceedings" and rng.random() < 0.5:
            first = rng.randint(1, 9000)
            data["pages"] = f"{first}--{first + rng.randint(8, 20)}"
        if rng.random() < 0.2:
            data["url"] = f"https://openreview.net/forum?id={pid[:6]}{rng.randrange(10**6):06d}"
        if rng.random() < 0.3:
            data["code"] = f"https://github.com/{re.sub(r'[^a-z0-9-]', '', authors[0].family.lower()) or 'lab'}/{pid}"  # a GitHub user name: letters, digits, hyphens
        if rng.random() < 0.25:
            data["summary"] = rng.choice(_SUMMARY).format(what=slots[0].words.lower(), effect=rng.choice(_EFFECTS), n=rng.randint(3, 12), target=slots[0].target)
        if self.benchmarks and rng.random() < 0.06 and (free := [b for b in self.benchmarks if b not in self.introduced]):
            data["introduces"] = (rng.choice(free),)
            self.introduced.add(data["introduces"][0])
        if self.benchmarks and rng.random() < 0.15:
            data["evaluates_on"] = tuple(sorted(set(rng.choices(self.benchmarks, k=rng.randint(1, 3)))))
        if self.done and rng.random() < 0.3:
            targets = sorted(set(rng.choices(self.done, k=rng.randint(1, 3))))
            data["related"] = tuple(Relation(paper=t, type=self.relation_types.pick(rng)) for t in targets)
        paper = Paper(**data)
        taken.add(pid)
        self.done.append(pid)
        return paper


def synth_papers(kb: KnowledgeBase, n: int, seed: int = 0) -> list[Paper]:
    """``n`` valid papers over the taxonomy of ``kb``; the same list for the same seed.

    The representative papers the taxonomy names come first (with their ids, classified where
    they are named), then papers placed at random with a realistic skew.
    """
    required = required_papers(kb)
    if n < len(required):
        raise ValueError(f"the taxonomy names {len(required)} representative papers: n must be at least that, not {n}")
    synth = _Synth(kb, n, random.Random(seed))
    taken = set(required)
    papers = [synth.paper(pid, [synth.slots[node] for node in nodes] or synth.random_slots(), taken) for pid, nodes in required.items()]
    while len(papers) < n:
        papers.append(synth.paper(None, synth.random_slots(), taken))
    return papers


# --- writing --------------------------------------------------------------------------------


def write_papers(root: Path, papers: Iterable[Paper]) -> int:
    """Write each paper to ``papers/<id>.yaml`` under ``root``; returns how many."""
    (root / "papers").mkdir(parents=True, exist_ok=True)
    count = 0
    for p in papers:
        (root / paper_path(p.id)).write_text(dump_paper(p), encoding="utf-8")
        count += 1
    return count


def write_base(dest: Path, taxonomy_root: Path, n: int, seed: int = 0) -> int:
    """A knowledge base at ``dest``: ``taxonomy_root``'s taxonomy/ copied as is, ``n`` synthetic papers."""
    shutil.copytree(taxonomy_root / "taxonomy", dest / "taxonomy", dirs_exist_ok=True)
    return write_papers(dest, synth_papers(open_taxonomy(taxonomy_root), n, seed))
