"""synth.domain holds plain Python: no module there imports Django."""

import ast
from pathlib import Path

import amparo.synth.domain

DOMAIN = Path(amparo.synth.domain.__file__).parent


def test_no_domain_module_imports_django():
    for path in DOMAIN.glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "django" for name in names), path.name
