"""Classification suggestions for a new paper: where in the taxonomy papers like it already sit.

A paper is described by its title, its abstract when the BibTeX has one, and its authors. Every
classified paper of the base is described the same way (title and our summary), and every
taxonomy node by its own names and description. TF-IDF vectors (scikit-learn's tokenizer, word
uni- and bigrams, sublinear term frequency) are compared by cosine similarity, and each
subcategory is scored by

- the votes of the ``NEIGHBOURS`` most similar papers, each weighing its similarity squared,
  divided by the total weight (so a crowded node does not win by size alone),
- ``NODE_WEIGHT`` times how similar the node's own text is (its name and description, its
  category's, its family and threat), and
- ``AUTHOR_WEIGHT`` when one of the new paper's authors already has a paper there.

Texts are vectorised twice and joined: word uni- and bigrams (stop words dropped) and character
3-5-grams within words (which match method names and acronyms such as "jailbreak"/"jailbroken"
or "LLaVA"), both TF-IDF with sublinear term frequency, by scikit-learn.

``evaluate`` holds out each paper of the base in turn (its own vector is removed from every
node it sits in) and reports how often the right (family, threat, side) is in the top 3 and the
right subcategory in the top 5; the figures are in benchmarks/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .kb import KnowledgeBase
from .schema import Classification, Paper
from .textnorm import ascii_fold

__all__ = ["Suggestion", "Suggester", "evaluate"]

NEIGHBOURS = 20  # papers that vote
POWER = 2  # a vote weighs similarity squared: the closest papers count most
NODE_WEIGHT = 1.5  # similarity to the node's own names and descriptions
AUTHOR_WEIGHT = 0.1  # a node where a co-author already has a paper


@dataclass(frozen=True)
class Suggestion:
    classification: Classification
    score: float
    because: str  # the most similar paper already there, for the user to judge

    @property
    def node(self) -> str:
        return self.classification.node


def _paper_text(p: Paper) -> str:
    return " ".join(filter(None, [p.title, p.short_name, p.summary, *p.other_titles]))


def _author_keys(names: Iterable[str]) -> set[str]:
    return {ascii_fold(n).casefold() for n in names if n}


class Suggester:
    """Built once per base; ``suggest`` ranks subcategories for one paper."""

    def __init__(self, kb: KnowledgeBase, exclude: str | None = None):
        self.kb = kb
        self.papers = [p for p in kb.papers.values() if p.id != exclude and any(c.complete and c.subcategory for c in p.classifications)]
        self.nodes: list[str] = []
        self.node_class: dict[str, Classification] = {}
        node_texts: list[str] = []
        for s in kb.scopes.values():
            fam, threat = kb.families[s.family], kb.threats[s.threat]
            side_name = (threat.attack_name if s.side == "attack" else threat.defense_name) or ""
            for c in s.categories:
                for sub in c.subcategories:
                    nid = f"{s.id}.{c.id}.{sub.id}"
                    self.nodes.append(nid)
                    self.node_class[nid] = Classification(family=s.family, threat=s.threat, side=s.side, category=c.id, subcategory=sub.id)
                    node_texts.append(" ".join([fam.name, fam.short, threat.name, side_name, c.name, c.description, sub.name, sub.description]))
        self.node_index = {n: i for i, n in enumerate(self.nodes)}
        texts = [_paper_text(p) for p in self.papers]
        self._fit(texts + node_texts)
        self.paper_vectors = self._vectors(texts)
        self.node_vectors = self._vectors(node_texts)
        membership = np.zeros((len(self.papers), len(self.nodes)), dtype=float)
        self.authors: list[set[str]] = []
        for i, p in enumerate(self.papers):
            for cl in p.classifications:
                if cl.node in self.node_index:
                    membership[i, self.node_index[cl.node]] = 1.0
            self.authors.append(_author_keys(f"{a.given or ''} {a.family}" for a in p.authors))
        self.membership = membership

    def _fit(self, texts: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", strip_accents="unicode").fit(texts)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, strip_accents="unicode").fit(texts)

    def _vectors(self, texts: list[str]):
        from scipy.sparse import hstack
        from sklearn.preprocessing import normalize

        return normalize(hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr())

    def scores(self, title: str, abstract: str | None = None, authors: Sequence[str] = (), hold_out: int | None = None) -> np.ndarray:
        query = self._vectors([" ".join(filter(None, [title, abstract]))])
        to_papers = (self.paper_vectors @ query.T).toarray().ravel()
        if hold_out is not None:
            to_papers[hold_out] = 0.0
        nearest = np.argsort(-to_papers)[:NEIGHBOURS]
        weights = to_papers[nearest] ** POWER
        votes = weights @ self.membership[nearest] / (weights.sum() or 1.0)
        score = votes + NODE_WEIGHT * (self.node_vectors @ query.T).toarray().ravel()
        keys = _author_keys(authors)
        if keys:
            shared = np.array([bool(keys & a) for a in self.authors])
            if hold_out is not None:
                shared[hold_out] = False
            score = score + AUTHOR_WEIGHT * (self.membership[shared].sum(axis=0) > 0)
        return score

    def suggest(self, title: str, abstract: str | None = None, authors: Sequence[str] = (), limit: int = 5) -> list[Suggestion]:
        score = self.scores(title, abstract, authors)
        to_papers = (self.paper_vectors @ self._vectors([" ".join(filter(None, [title, abstract]))]).T).toarray().ravel()
        out = []
        for j in np.argsort(-score)[:limit]:
            members = np.flatnonzero(self.membership[:, j])
            best = members[np.argmax(to_papers[members])] if len(members) else None
            out.append(Suggestion(self.node_class[self.nodes[j]], float(score[j]), self.papers[best].title if best is not None else ""))
        return out


@dataclass(frozen=True)
class Evaluation:
    papers: int
    scope_top3: float  # right (family, threat, side) among the scopes of the top 3 suggestions
    subcategory_top5: float  # right subcategory among the top 5
    subcategory_top1: float


def evaluate(kb: KnowledgeBase, *, use_summaries: bool = True) -> Evaluation:
    """Leave-one-out over every classified paper: suggest from its title (and summary) and authors."""
    s = Suggester(kb)
    scope3 = sub5 = sub1 = 0
    scope_of = [".".join(n.split(".")[:3]) for n in s.nodes]
    for i, p in enumerate(s.papers):
        true_nodes = {c.node for c in p.classifications if c.node in s.node_index}
        true_scopes = {c.scope for c in p.classifications}
        score = s.scores(p.title, p.summary if use_summaries else None, [f"{a.given or ''} {a.family}" for a in p.authors], hold_out=i)
        order = np.argsort(-score)
        ranked = [s.nodes[j] for j in order[:5]]
        scopes: list[str] = []  # the scopes in the order of their best subcategory
        for j in order:
            if scope_of[j] not in scopes:
                scopes.append(scope_of[j])
                if len(scopes) == 3:
                    break
        scope3 += bool(true_scopes & set(scopes))
        sub5 += bool(true_nodes & set(ranked))
        sub1 += ranked[0] in true_nodes
    n = max(len(s.papers), 1)
    return Evaluation(len(s.papers), scope3 / n, sub5 / n, sub1 / n)
