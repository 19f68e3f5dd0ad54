"""Fail when any measured module is under the line-coverage threshold."""

import json
from pathlib import Path
import sys


def main() -> int:
    """Check every file in a coverage JSON report against the threshold."""
    report = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    threshold = float(sys.argv[2])
    low = {
        name: data["summary"]["percent_covered"]
        for name, data in report["files"].items()
        if data["summary"]["percent_covered"] < threshold
    }
    for name, pct in sorted(low.items()):
        print(f"  {pct:6.2f}%  {name}")
    total = report["totals"]["percent_covered"]
    print(
        f"{len(report['files'])} modules, total {total:.2f}%, {len(low)} under {threshold:g}%"
    )
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
