from pathlib import Path

from amparo.exchange.domain.columns import COLUMNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


def test_the_import_format_documents_every_column_and_alias():
    text = DOC.read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column.name}`" in text
        assert all(f"`{alias}`" in text for alias in column.aliases)
