"""A reader's check of what texts say about the direction of the proxy's bias (issue 28).

A text may name a part of the bias with its direction only in the words of the checks file's one
list (``bias.parts`` and ``bias.directions``), and may state a net direction only as a computed
comparison: "in 2009-10 the proxy stood above NI 130 (England 19.2% against 13%; ...)", whose
every pair must have the sign its word says. :func:`problems` lists what breaks that.
"""

from __future__ import annotations

import re

#: Hand-typed words for a direction of the bias: never allowed outside the generated phrases.
FREE = re.compile(
    r"\b(biased\s+(up|down|upwards|downwards|low|high)|under-?states?|over-?states?|sits\s+(below|above)"
    r"|too\s+(low|high)|no\s+known\s+direction|has\s+no\s+direction|pushes\s+(it|the\s+proxy|the\s+share)\s+(up|down))\b",
    re.IGNORECASE,
)
#: A net direction as the project states it: a computed comparison.
NET = re.compile(r"in (\d{4}-\d\d) the proxy stood (above|below|equal to) NI 130 \(([^()]*)\)")
PAIR = re.compile(r"([A-Z][^;:]*?) (\d+(?:\.\d+)?)% against (\d+(?:\.\d+)?)%")
OUTWEIGH = re.compile(r"the parts that push it (up|down) outweighed")


def _generated(bias: dict) -> list[tuple[str, str, str]]:
    """(part text, comparison, the phrase with its direction) for every part and comparison."""
    out = []
    for part in bias["parts"].values():
        for comparison in ("share", "base"):
            if comparison in part:
                out.append((part["text"], comparison, bias["directions"][comparison][part[comparison]]))
    return out


def problems(texts: dict[str, str], bias: dict) -> list[str]:
    """What the texts (name -> text) say of the bias's direction that they may not."""
    found = []
    nets: dict[str, set[str]] = {}
    every_word = {w for c in bias["directions"].values() for w in c.values()}
    for name, text in texts.items():
        rest = text
        for part_text, _comparison, words in _generated(bias):
            # the directions the one list gives this part, on any comparison
            allowed = {w for t, _c, w in _generated(bias) if t == part_text}
            for m in re.finditer(re.escape(part_text) + r" \(([^()]*)\)", rest):
                if m.group(1) in every_word and m.group(1) not in allowed:
                    found.append(f"{name}: '{part_text}' given the direction '{m.group(1)}'")
            rest = rest.replace(f"{part_text} ({words})", "")
        for m in FREE.finditer(rest):
            found.append(f"{name}: a direction typed by hand, not from a computed comparison: '{m.group(0)}'")
        directions_here = []
        for m in NET.finditer(rest):
            year, word, pairs = m.groups()
            parsed = PAIR.findall(pairs)
            if not parsed:
                found.append(f"{name}: a net direction for {year} without its computed comparison")
            for area, proxy, reported in parsed:
                p, r = float(proxy), float(reported)
                sign = "above" if p > r else "below" if p < r else "equal to"
                if sign != word:
                    found.append(
                        f"{name}: says the proxy stood {word} NI 130 in {year}, but {area} is {proxy}% against {reported}%"
                    )
            nets.setdefault(year, set()).add(word)
            directions_here.append(word)
        for m in OUTWEIGH.finditer(rest):
            want = "above" if m.group(1) == "up" else "below"
            if want not in directions_here:
                found.append(
                    f"{name}: says the parts that push it {m.group(1)} outweighed, without a comparison showing it"
                )
    for year, words in nets.items():
        if len(words) > 1:
            found.append(f"texts state opposite net directions for {year}: {sorted(words)}")
    return found
