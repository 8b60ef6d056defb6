"""Charts with Chinese labels: pick an installed CJK font for matplotlib (imported lazily)."""

import logging

__all__ = ["CJK_FONTS", "use_cjk_font"]

#: CJK fonts tried in order (Debian: fonts-wqy-zenhei, fonts-noto-cjk).
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei")


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese text; return the font chosen, or None if none is installed.

    WenQuanYi has one weight, so matplotlib's "findfont" notes for bold are silenced.
    """
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    chosen = next((name for name in CJK_FONTS if name in installed), None)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    plt.rcParams["font.family"] = ([chosen] if chosen else []) + ["sans-serif"]
    plt.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    return chosen
