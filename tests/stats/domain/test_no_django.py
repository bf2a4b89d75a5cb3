import subprocess
import sys


def test_the_domain_package_imports_without_django():
    code = (
        "import sys; sys.modules['django'] = None\n"
        "import amparo.stats.domain.disclosure, amparo.stats.domain.intervals, amparo.stats.domain.tables\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
