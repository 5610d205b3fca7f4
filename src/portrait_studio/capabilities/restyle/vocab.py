"""Prompt vocabulary of the identity-keeping restyle (shared by the parser and the docs).

:data:`VOCABULARY` is the one table: the parser in :mod:`.prompt` reads it and
:func:`vocabulary_table` renders it (appended below, so this docstring always shows the table
the parser uses). English words match whole words, case-insensitively (``oil painting`` and
``oil-painting`` both match); Chinese words match anywhere in the text.
Longer words win over the words they contain (``水墨画`` is ink, not ``画``). Style words choose
the look (the first style word in the prompt wins); every other row adds its grading deltas
(each control is summed, scaled by ``cfg / 4.5`` and clipped to -1..1). Composition words are
recognised and reported but change nothing (the output is always a portrait).

"""

from __future__ import annotations

from dataclasses import dataclass, field

REPAINT = "repaint"
OWN = "own"


@dataclass(frozen=True)
class Term:
    """One vocabulary row.

    ``kind``: "style" (``value`` names the look), "grade" (``effect`` holds control deltas:
    warmth, saturation, brightness, contrast, softness, each about -1..1), "tint" (``value``
    names a colour of :data:`TINTS`), "light" (``value`` names a light of :data:`LIGHTS`) or
    "composition" (recognised, no effect).
    """

    key: str
    kind: str
    en: tuple[str, ...]
    zh: tuple[str, ...]
    value: str = ""
    effect: dict[str, float] = field(default_factory=dict)


#: look name -> (engine, repaint style index or -1): "repaint" styles come from
#: :mod:`portrait_studio.capabilities.stylize`, "own" looks from :mod:`.looks`.
LOOKS: dict[str, tuple[str, int]] = {
    "retro_comic": (REPAINT, 0), "fairy_tale_3d": (REPAINT, 1), "anime": (REPAINT, 2),
    "fresh": (REPAINT, 3), "future_tech": (REPAINT, 4), "ink_painting": (REPAINT, 5),
    "warrior": (REPAINT, 6), "colourful_cartoon": (REPAINT, 7),
    "elegant_chinese": (REPAINT, 8), "new_year": (REPAINT, 9),
    "watercolor": (OWN, -1), "oil_painting": (OWN, -1), "sketch": (OWN, -1),
}

#: tint name -> RGB colour the grading pulls mid-tones toward
TINTS: dict[str, tuple[int, int, int]] = {
    "golden": (255, 196, 90), "pink": (255, 150, 190), "blue": (90, 150, 255),
    "red": (235, 70, 60), "green": (90, 200, 120), "purple": (170, 110, 240),
    "teal": (60, 200, 200),
}

#: light name -> (description) ; rendered by :func:`.grading.apply_light`
LIGHTS: dict[str, str] = {
    "backlight": "rim glow behind the head, face slightly lifted",
    "sunset": "warm low sun from one side, orange rim, deeper shadows",
    "neon": "magenta and cyan side lights, darker ambient",
    "studio": "soft key light on the face, clean falloff to the edges",
    "soft_window": "large soft light from one side",
}

VOCABULARY: tuple[Term, ...] = (
    # --- styles ------------------------------------------------------------------------
    Term("anime", "style", ("anime", "manga style", "2d", "acg", "waifu"),
         ("动漫", "二次元", "日漫", "动画"), "anime"),
    Term("comic", "style", ("comic", "comics", "pop art", "retro comic", "halftone"),
         ("漫画", "美漫", "复古漫画", "波普"), "retro_comic"),
    Term("cartoon", "style", ("cartoon", "cartoonish", "toon"), ("卡通",), "colourful_cartoon"),
    Term("3d", "style", ("3d", "pixar", "disney", "fairy tale", "cgi", "3d render"),
         ("3d", "三维", "皮克斯", "迪士尼", "童话"), "fairy_tale_3d"),
    Term("pastel", "style", ("pastel", "fresh", "airy", "japanese fresh"),
         ("小清新", "清新", "日系"), "fresh"),
    Term("cyberpunk", "style", ("cyberpunk", "sci-fi", "scifi", "futuristic", "future tech"),
         ("赛博朋克", "科幻", "未来", "科技"), "future_tech"),
    Term("ink", "style", ("ink", "ink wash", "sumi-e", "chinese painting"),
         ("水墨", "国画", "水墨画", "墨画"), "ink_painting"),
    Term("warrior", "style", ("warrior", "knight", "samurai", "armor", "armour"),
         ("战士", "武士", "勇士", "将军", "侠客"), "warrior"),
    Term("guofeng", "style", ("hanfu", "chinese style", "oriental", "guofeng"),
         ("国风", "古风", "汉服", "工笔"), "elegant_chinese"),
    Term("festive", "style", ("festive", "new year", "spring festival", "lunar new year"),
         ("新年", "春节", "喜庆", "过年"), "new_year"),
    Term("watercolor", "style", ("watercolor", "watercolour", "aquarelle"),
         ("水彩",), "watercolor"),
    Term("oil", "style", ("oil painting", "oil", "impasto", "painterly"),
         ("油画",), "oil_painting"),
    Term("sketch", "style", ("sketch", "pencil", "drawing", "charcoal", "line art"),
         ("素描", "铅笔", "速写", "线稿"), "sketch"),
    # --- colour and mood -------------------------------------------------------------
    Term("warm", "grade", ("warm", "cozy", "cosy"), ("暖", "温馨"),
         effect={"warmth": 0.6}),
    Term("cool", "grade", ("cool", "cold", "icy", "wintry"), ("冷", "清冷", "冰"),
         effect={"warmth": -0.6}),
    Term("vivid", "grade", ("vivid", "vibrant", "colorful", "colourful", "saturated",
                            "bright colours", "bright colors", "rich colours", "rich colors"),
         ("鲜艳", "艳丽", "多彩", "浓郁"), effect={"saturation": 0.6}),
    Term("muted", "grade", ("muted", "desaturated", "faded", "film"),
         ("淡雅", "低饱和", "胶片"), effect={"saturation": -0.5, "contrast": -0.2}),
    Term("monochrome", "grade", ("black and white", "monochrome", "grayscale", "greyscale"),
         ("黑白",), effect={"saturation": -1.0}),
    Term("soft", "grade", ("soft", "gentle", "dreamy", "hazy"), ("柔和", "柔美", "梦幻", "朦胧"),
         effect={"contrast": -0.4, "softness": 0.6}),
    Term("dark", "grade", ("dark", "moody", "night", "low key", "gloomy"),
         ("暗", "夜", "阴郁", "暗黑"), effect={"brightness": -0.5, "contrast": 0.3}),
    Term("bright", "grade", ("bright", "sunny", "high key", "luminous"),
         ("明亮", "阳光", "亮", "白皙"), effect={"brightness": 0.5}),
    Term("dramatic", "grade", ("dramatic", "contrasty", "high contrast", "cinematic"),
         ("电影感", "高对比", "戏剧"), effect={"contrast": 0.6}),
    Term("vintage", "grade", ("vintage", "retro", "old photo", "sepia", "nostalgic"),
         ("复古", "怀旧", "老照片"), effect={"warmth": 0.4, "saturation": -0.4, "contrast": -0.2}),
    Term("beautiful", "grade", ("beautiful", "pretty", "beauty", "handsome", "cute"),
         ("美丽", "漂亮", "好看", "美颜", "可爱", "帅"), effect={"softness": 0.3}),
    Term("golden", "tint", ("golden", "gold"), ("金色", "金黄"), "golden"),
    Term("pink", "tint", ("pink", "rosy"), ("粉色", "粉红", "粉"), "pink"),
    Term("blue", "tint", ("blue",), ("蓝色", "蓝"), "blue"),
    Term("red", "tint", ("red", "crimson"), ("红色", "红"), "red"),
    Term("green", "tint", ("green", "emerald"), ("绿色", "绿"), "green"),
    Term("purple", "tint", ("purple", "violet", "lavender"), ("紫色", "紫"), "purple"),
    Term("teal", "tint", ("teal", "cyan", "teal and orange"), ("青色",), "teal"),
    # --- light -------------------------------------------------------------------------
    Term("backlight", "light", ("backlight", "backlit", "rim light", "back light"),
         ("逆光", "轮廓光"), "backlight"),
    Term("sunset", "light", ("sunset", "golden hour", "dusk", "sunrise"),
         ("夕阳", "日落", "黄昏", "落日"), "sunset"),
    Term("neon", "light", ("neon", "neon light", "neon lights", "city lights"),
         ("霓虹",), "neon"),
    Term("studio", "light", ("studio light", "studio", "studio lighting", "softbox"),
         ("影棚", "棚拍", "摄影棚"), "studio"),
    Term("window", "light", ("window light", "natural light", "side light"),
         ("窗光", "自然光", "侧光"), "soft_window"),
    # --- composition (recognised, no effect) --------------------------------------------
    Term("composition", "composition",
         ("1girl", "1boy", "girl", "boy", "woman", "man", "portrait", "looking at viewer",
          "upper body", "headshot", "face", "solo", "masterpiece", "best quality"),
         ("女孩", "男孩", "女生", "男生", "人像", "肖像", "头像", "半身", "看镜头")),
)


def vocabulary_table(terms: tuple[Term, ...] = VOCABULARY) -> str:
    """The vocabulary as a Markdown table (key, kind, English words, Chinese words, effect)."""
    rows = ["| key | kind | English | 中文 | effect |", "|---|---|---|---|---|"]
    for t in terms:
        rows.append(f"| {t.key} | {t.kind} | {', '.join(t.en)} | {'、'.join(t.zh)} | "
                    f"{_effect_text(t)} |")
    return "\n".join(rows)


def _effect_text(term: Term) -> str:
    if term.kind == "style":
        engine, index = LOOKS[term.value]
        return f"look `{term.value}`" + (f" (repaint style {index})" if engine == REPAINT
                                         else " (restyle's own look)")
    if term.kind == "grade":
        return ", ".join(f"{k} {v:+.1f}" for k, v in term.effect.items())
    if term.kind == "tint":
        return f"tint toward RGB{TINTS[term.value]}"
    if term.kind == "light":
        return f"light `{term.value}`: {LIGHTS[term.value]}"
    return "none (recognised only)"


__doc__ = (__doc__ or "") + vocabulary_table()
