"""Text alignment of one document pair: which passages of ``a`` come from ``b``.

Seed, extend, filter, in the manner of the PAN text-alignment systems:

1. **Seeds.** Shared word n-grams of stems (verbatim and edited copying), and sentence
   pairs whose TF-IDF cosine and stem Dice are both high (paraphrase).
2. **Extension.** Seeds close to each other on *both* sides (within ``max_gap`` words)
   are merged into rectangles ``[a_first, a_last) x [b_first, b_last)`` of tokens,
   repeatedly, until nothing more merges. A passage then grows over equal words at its
   ends, to the rest of its first and last sentences where that rest is mostly the
   other side's words, and by neighbouring sentence pairs made of each other's words.
3. **Filtering.** Passages shorter than ``min_words`` or too thin in evidence are
   dropped; passages overlapping in ``a`` keep only the better supported one.

The aligner is a pure function of two texts and a :class:`~simcheck.config.CheckConfig`,
so any worker can call it.

The modules, each importing only those listed above it:

- ``rects``: the evidence types (:class:`Rect`, :class:`Group`), their shared helpers
  and the tuning constants more than one step needs;
- ``seeds``: step 1, n-gram and sentence seeds, and which sentence seeds n-grams leave
  unexplained;
- ``clusters``: which seeds can make a passage at all, found without merging them
  (a long text shares stray phrases with a source all over);
- ``merge``: merging seeds into groups, and a group's core, corroboration and trim;
- ``extend``: growing one passage over equal words, shared stretches and sentences;
- ``choose``: the evidence judges, which groups make passages, and claiming the words
  of ``a`` for each in turn while it is extended;
- ``passages``: joining neighbours and summaries, and making the reported passages;
- this package: :func:`align_tokens`, the steps in order, and :func:`align_passages`.
"""

from __future__ import annotations

from ..config import CheckConfig
from ..frequencies import Rarity
from ..models import Passage
from ..tokens import Tokens
from .choose import Evidence, choose_groups, claim
from .clusters import worth_merging
from .passages import make_passages
from .seeds import sentence_seeds, shared_ngrams, unexplained
from .worth import phrase_in_context

__all__ = ["align_passages", "align_tokens", "phrase_in_context"]


def align_tokens(
    ta: Tokens, tb: Tokens, config: CheckConfig | None = None, rarity: Rarity | None = None
) -> list[Passage]:
    """Align two tokenised texts; see :func:`align_passages`.

    ``rarity`` says how common each word is in the corpus the two come from (see
    :class:`~simcheck.frequencies.Rarity`): phrases and sentences made of the topic's
    common words are then no evidence; names and numbers shared beside a similar
    sentence do not make it a paraphrase; and where the corpus is large enough to have
    a topic, neither does one catchphrase, and a reworded sentence alone is no passage.
    Without it, every word counts alike.
    """
    config = config or CheckConfig()
    word_seeds = shared_ngrams(ta, tb, config.seed_size, rarity)
    paraphrase_seeds = unexplained(sentence_seeds(ta, tb, config, rarity), word_seeds, ta, tb, config.max_gap)
    if not len(word_seeds) and not paraphrase_seeds:
        return []
    evidence = Evidence(ta, word_seeds, paraphrase_seeds, config.min_words, rarity)
    content = evidence.evidence_a & ~ta.stopword_mask
    seeds = worth_merging(word_seeds, paraphrase_seeds, config.max_gap, content, evidence.min_content)
    groups = choose_groups(seeds, evidence, config.max_gap)
    rects = claim(groups, ta, tb, evidence, config.max_gap)
    return make_passages(rects, ta, tb, evidence.word_evidence_a, config, topic=evidence.topic)


def align_passages(submission: str, source: str, *, config: CheckConfig | None = None) -> list[Passage]:
    """Passages of ``submission`` that come from ``source``, with character offsets.

    Parameters
    ----------
    submission, source : str
        The two texts, exactly as loaded.
    config : CheckConfig, optional
        ``seed_size``, ``max_gap``, ``min_words``, ``sentence_cosine``,
        ``sentence_dice`` and ``language`` apply.

    Returns
    -------
    list of Passage
        Ordered by position in ``submission``; ``submission[p.a_start:p.a_end]`` and
        ``source[p.b_start:p.b_end]`` are the two sides.

    Examples
    --------
    >>> src = ("The Berlin Wall went up in August 1961 and divided the city for "
    ...        "twenty-eight years. Many families were separated overnight.")
    >>> sub = "As we know, the Berlin Wall went up in August 1961 and divided the city."
    >>> [(sub[p.a_start:p.a_end], str(p.kind)) for p in align_passages(sub, src)]
    [('the Berlin Wall went up in August 1961 and divided the city.', 'verbatim')]
    """
    config = config or CheckConfig()
    return align_tokens(Tokens(submission, config.language), Tokens(source, config.language), config)
