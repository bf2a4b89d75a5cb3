"""Numbers as people read them: Spanish with a decimal comma and «47 %», English with «47%»."""

NBSP = "\u00a0"


def _is_spanish(lang: str) -> bool:
    return lang.lower().startswith("es")


def format_int(value: int, lang: str) -> str:
    """1234567 -> «1 234 567» in Spanish (no separator below 10 000, as the RAE advises), «1,234,567» in English."""
    if _is_spanish(lang):
        return str(value) if abs(value) < 10000 else f"{value:,}".replace(",", NBSP)
    return f"{value:,}"


def format_decimal(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    if _is_spanish(lang):
        return text.replace(",", NBSP).replace(".", ",")
    return text


def format_percent(share: float, lang: str, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage: 0.474 -> «47 %» (es) or «47%» (en)."""
    number = format_decimal(share * 100, lang, digits)
    return f"{number} %" if _is_spanish(lang) else f"{number}%"


def join_names(names: list[str], lang: str) -> str:
    """«Madre de Dios, Loreto y Ucayali»; Spanish writes «e» before an /i/ sound («Cusco e Ica»)."""
    if len(names) < 2:
        return "".join(names)
    head, last = ", ".join(names[:-1]), names[-1]
    if not _is_spanish(lang):
        return f"{head} and {last}"
    folded = last.lower()
    conjunction = (
        "e"
        if folded[:1] in ("i", "í") or (folded[:2] in ("hi", "hí") and folded[2:3] not in ("a", "e", "o", "u"))
        else "y"
    )
    return f"{head} {conjunction} {last}"
