"""Channel name -> (muscle, side) mapping.

Names map by prefix: short codes (UT, MT, LT, SA, RH, LS, DNF, SCM, ...) as the first token,
or common long names (``Trap_sup``, ``Trap_inf``, ``Gd_dent``, ``Delt_ant`` as in pyomeca /
Vicon exports, ``upper trapezius``, ``serratus``...). A side suffix ``_L``/``_R`` (also ``-L``,
`` left``) or prefix ``L_``/``R_`` gives the side. A user-supplied mapping overrides the name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from upperback.errors import InvalidInput
from upperback.model.common import Muscle

MUSCLES: tuple[str, ...] = (
    "upper_trapezius",
    "middle_trapezius",
    "lower_trapezius",
    "serratus_anterior",
    "rhomboids",
    "levator_scapulae",
    "deep_neck_flexors",
    "sternocleidomastoid",
    "anterior_deltoid",
    "middle_deltoid",
    "posterior_deltoid",
    "biceps",
    "triceps",
    "supraspinatus",
    "infraspinatus",
    "subscapularis",
    "pectoralis_major",
    "latissimus_dorsi",
    "unknown",
)

#: Short codes, matched as the whole first token of the name.
CODES: dict[str, str] = {
    "ut": "upper_trapezius",
    "mt": "middle_trapezius",
    "lt": "lower_trapezius",
    "sa": "serratus_anterior",
    "rh": "rhomboids",
    "ls": "levator_scapulae",
    "dnf": "deep_neck_flexors",
    "dcf": "deep_neck_flexors",
    "scm": "sternocleidomastoid",
    "ad": "anterior_deltoid",
    "ma": "middle_deltoid",
    "md": "middle_deltoid",
    "pd": "posterior_deltoid",
    "bic": "biceps",
    "tri": "triceps",
    "ssp": "supraspinatus",
    "isp": "infraspinatus",
    "ssc": "subscapularis",
    "pm": "pectoralis_major",
    "pec": "pectoralis_major",
    "ld": "latissimus_dorsi",
    "lat": "latissimus_dorsi",
}

#: Long-name prefixes, matched on the name with separators removed (longest first).
LONG_PREFIXES: dict[str, str] = {
    "trapsup": "upper_trapezius",
    "trapezesup": "upper_trapezius",
    "trapeziussup": "upper_trapezius",
    "uppertrap": "upper_trapezius",
    "trapeziusdesc": "upper_trapezius",
    "trapdesc": "upper_trapezius",
    "upptrap": "upper_trapezius",
    "trapmed": "middle_trapezius",
    "trapmid": "middle_trapezius",
    "middletrap": "middle_trapezius",
    "midtrap": "middle_trapezius",
    "trapeziustrans": "middle_trapezius",
    "traptrans": "middle_trapezius",
    "trapinf": "lower_trapezius",
    "trapezeinf": "lower_trapezius",
    "trapeziusinf": "lower_trapezius",
    "lowertrap": "lower_trapezius",
    "lowtrap": "lower_trapezius",
    "trapeziusasc": "lower_trapezius",
    "trapasc": "lower_trapezius",
    "gddent": "serratus_anterior",
    "granddentele": "serratus_anterior",
    "serratus": "serratus_anterior",
    "rhomb": "rhomboids",
    "levator": "levator_scapulae",
    "deepneck": "deep_neck_flexors",
    "deepcervical": "deep_neck_flexors",
    "longuscolli": "deep_neck_flexors",
    "sternocleido": "sternocleidomastoid",
    "deltant": "anterior_deltoid",
    "anteriordelt": "anterior_deltoid",
    "antdelt": "anterior_deltoid",
    "deltoidant": "anterior_deltoid",
    "deltmed": "middle_deltoid",
    "deltmid": "middle_deltoid",
    "middledelt": "middle_deltoid",
    "middelt": "middle_deltoid",
    "deltoidmed": "middle_deltoid",
    "deltoidmid": "middle_deltoid",
    "deltpost": "posterior_deltoid",
    "posteriordelt": "posterior_deltoid",
    "postdelt": "posterior_deltoid",
    "deltoidpost": "posterior_deltoid",
    "biceps": "biceps",
    "triceps": "triceps",
    "supra": "supraspinatus",
    "infra": "infraspinatus",
    "subscap": "subscapularis",
    "pectoralis": "pectoralis_major",
    "pecmaj": "pectoralis_major",
    "pec": "pectoralis_major",
    "gddors": "latissimus_dorsi",
    "granddorsal": "latissimus_dorsi",
    "latissimus": "latissimus_dorsi",
}
_LONG_SORTED = sorted(LONG_PREFIXES.items(), key=lambda kv: -len(kv[0]))

_SIDE_SUFFIX = re.compile(r"^(?P<base>.+?)[\s_\-.]+(?P<side>l|r|left|right|lt|rt)$", re.IGNORECASE)
_SIDE_PREFIX = re.compile(r"^(?P<side>l|r|left|right)[\s_\-.]+(?P<base>.+)$", re.IGNORECASE)

#: Muscles over the trunk, where ECG contamination is expected (Drake & Callaghan 2006).
TRUNK_MUSCLES: frozenset[str] = frozenset(
    {
        "middle_trapezius",
        "lower_trapezius",
        "serratus_anterior",
        "rhomboids",
        "pectoralis_major",
        "latissimus_dorsi",
    }
)


@dataclass(frozen=True)
class ChannelInfo:
    """What a channel records: the muscle (one of :data:`MUSCLES`) and the side or None."""

    name: str
    muscle: str
    side: str | None

    @property
    def code(self) -> str | None:
        """Short code of the muscle (UT, LT, ...), None when it has none."""
        for code, muscle in _PREFERRED_CODE.items():
            if muscle == self.muscle:
                return code
        return None


_PREFERRED_CODE = {
    "UT": "upper_trapezius",
    "MT": "middle_trapezius",
    "LT": "lower_trapezius",
    "SA": "serratus_anterior",
    "RH": "rhomboids",
    "LS": "levator_scapulae",
    "DNF": "deep_neck_flexors",
    "SCM": "sternocleidomastoid",
}


def _split_side(name: str) -> tuple[str, str | None]:
    m = _SIDE_SUFFIX.match(name)
    if m:
        return m.group("base"), m.group("side")[0].upper()
    m = _SIDE_PREFIX.match(name)
    if m:
        return m.group("base"), m.group("side")[0].upper()
    return name, None


def muscle_from_text(text: str) -> str:
    """Return the muscle a (side-free) name denotes, or "unknown"."""
    low = text.strip().lower()
    if low in MUSCLES:
        return low
    first = re.split(r"[\s_\-.:/0-9]+", low, maxsplit=1)[0]
    if first in CODES:
        return CODES[first]
    compact = re.sub(r"[^a-z]", "", low)
    for prefix, muscle in _LONG_SORTED:
        if compact.startswith(prefix):
            return muscle
    return "unknown"


def parse_channel(name: str) -> ChannelInfo:
    """Map one channel name to muscle and side (``UT_R`` -> upper_trapezius, R)."""
    # C3D labels often read "Muscle.EMGn": the muscle part comes first.
    base, side = _split_side(name.split(".")[0] if "." in name else name)
    muscle = muscle_from_text(base)
    if muscle == "unknown" and side is not None:
        # "LT" alone must not be read as "L" + "T": retry without the side split.
        whole = muscle_from_text(name)
        if whole != "unknown":
            return ChannelInfo(name, whole, None)
    return ChannelInfo(name, muscle, side)


def _parse_target(channel: str, target: str) -> tuple[str, str | None]:
    low = target.strip().lower()
    if low in MUSCLES:
        return low, None
    for suffix, side in (("_l", "L"), ("_r", "R")):
        if low.endswith(suffix) and low[: -len(suffix)] in MUSCLES:
            return low[: -len(suffix)], side
    info = parse_channel(target)
    if info.muscle == "unknown" and low != "unknown":
        raise InvalidInput(f"mapping for channel {channel!r}: unknown muscle {target!r}")
    return info.muscle, info.side


def resolve_channels(
    channels: tuple[str, ...] | list[str], mapping: Mapping[str, str] | None = None
) -> list[ChannelInfo]:
    """Map every channel, letting ``mapping`` (channel -> muscle, code or ``CODE_SIDE``) win.

    Raises
    ------
    InvalidInput
        If ``mapping`` names a channel that does not exist or a muscle that is not known.
    """
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in channels]
    if unknown:
        raise InvalidInput(
            f"mapping names channel {unknown[0]!r}, which the recording does not have "
            f"(channels: {', '.join(channels)})"
        )
    out: list[ChannelInfo] = []
    for ch in channels:
        if ch in mapping:
            muscle, side = _parse_target(ch, mapping[ch])
            if side is None:
                side = parse_channel(ch).side
            out.append(ChannelInfo(ch, muscle, side))
        else:
            out.append(parse_channel(ch))
    return out


def parse_mapping_items(items: list[str]) -> dict[str, str]:
    """Parse ``["EMG6=UT_R", ...]`` (CLI ``--map``) into a dict."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise InvalidInput(f"--map {item!r}: expected CHANNEL=MUSCLE, e.g. EMG6=UT_R")
        key, value = item.split("=", 1)
        if not key.strip() or not value.strip():
            raise InvalidInput(f"--map {item!r}: expected CHANNEL=MUSCLE, e.g. EMG6=UT_R")
        out[key.strip()] = value.strip()
    return out


#: Partners of the upper trapezius in ratio order (DOMAIN.md section 5: UT/LT, UT/SA, UT/MT).
RATIO_PARTNERS: tuple[Muscle, ...] = (
    Muscle.lower_trapezius,
    Muscle.serratus_anterior,
    Muscle.middle_trapezius,
)


def ut_partners(
    infos: list[ChannelInfo],
    usable: list[bool] | None = None,
    partners: tuple[str, ...] | None = None,
) -> list[tuple[int, int]]:
    """(upper-trapezius index, partner index) pairs, the one place the partner rule lives.

    A partner pairs with every usable upper-trapezius channel on its side (or with either
    when a side is unknown). ``partners`` (default :data:`RATIO_PARTNERS`) restricts the
    muscles; ``None`` order is UT channel, then partner rank, then channel order. Ratios
    use all pairs, live feedback the best-ranked pair, onset delays one UT per channel
    (:func:`delay_reference`).
    """
    ok = usable if usable is not None else [True] * len(infos)
    wanted = tuple(partners) if partners is not None else RATIO_PARTNERS
    pairs: list[tuple[int, int]] = []
    for i, a in enumerate(infos):
        if a.muscle != Muscle.upper_trapezius or not ok[i]:
            continue
        for partner in wanted:
            for j, b in enumerate(infos):
                if b.muscle == partner and ok[j] and (a.side == b.side or None in (a.side, b.side)):
                    pairs.append((i, j))
    return pairs


def best_partner(infos: list[ChannelInfo]) -> tuple[int, int] | None:
    """The pair live feedback follows: best-ranked partner, then first UT channel."""
    pairs = ut_partners(infos)
    if not pairs:
        return None
    rank = {m: r for r, m in enumerate(RATIO_PARTNERS)}
    return min(pairs, key=lambda p: (rank[Muscle(infos[p[1]].muscle)], p[0], p[1]))


def delay_reference(infos: list[ChannelInfo], j: int, usable: list[bool]) -> int | None:
    """The UT channel channel ``j``'s onset delay is measured against: same side first.

    None for UT and unknown channels, unusable channels, or when no UT channel is usable.
    """
    info = infos[j]
    if info.muscle in (Muscle.upper_trapezius, "unknown") or not usable[j]:
        return None
    uts = [k for k, c in enumerate(infos) if c.muscle == Muscle.upper_trapezius and usable[k]]
    same = [k for k in uts if infos[k].side == info.side] or uts
    return same[0] if same else None
