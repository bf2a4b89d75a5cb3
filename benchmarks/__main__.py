"""Run every benchmark module (`*_bench.py`), or those named: `python -m benchmarks [stats ...]`.

Each runs in its own process, since each sets up Django on its own temporary
data directory.
"""

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    available = sorted(p.stem for p in Path(__file__).parent.glob("*_bench.py"))
    wanted = [name if name.endswith("_bench") else f"{name}_bench" for name in argv] or available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    failed = []
    for name in wanted:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, "-m", f"benchmarks.{name}"]).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
