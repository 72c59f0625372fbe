"""Uploads per second through a real `govxl serve`, beside `govxl check` of the same files in one process.

    python benchmarks/serve.py [--files 2000] [--clients 50] [--timeout 600]

Makes FILES workbooks of distinct units, imports them as the roster, starts `python -m govxl serve` (this
tree) on 127.0.0.1 with a fresh SQLite archive, and has CLIENTS concurrent clients upload every workbook
once, each with its unit's own token (POST /api/v1/submissions). Prints the throughput and the p50/p95/max
latency, then the wall time of one `govxl check --no-corrections` of the same files (the desk writes no
correction workbook at upload; it makes one when asked), and what one validation frame of 1 and of 50
workbooks costs on the machine at that moment (the fixed cost a batch of uploads pays once). Bounded: the
run stops by itself after --timeout seconds, and the server is stopped whatever happens."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serve_process import Server  # noqa: E402

ADMIN = "benchmark-admin-token-0123456789abcdef"


def make_files(folder: Path, count: int) -> list[tuple[str, Path]]:
    from govxl.workbook import render
    from tests.helpers import clean_values

    base = clean_values()
    out = []
    for i in range(count):
        unit = f"第{i:04d}号单位"
        path = folder / f"{unit}.xlsx"
        path.write_bytes(render("2021", {**base, "unit": unit, "t3_new_np": 12 + i % 7, "t3_open_np": 11 + i % 7}))
        out.append((unit, path))
    return out


async def upload_all(url: str, files: list[tuple[str, Path]], tokens: dict[str, str], clients: int) -> list[float]:
    import httpx

    queue: asyncio.Queue[tuple[str, Path]] = asyncio.Queue()
    for item in files:
        queue.put_nowait(item)
    latencies: list[float] = []
    failures: list[str] = []

    async def client() -> None:
        async with httpx.AsyncClient(timeout=120) as http:
            while not queue.empty():
                unit, path = queue.get_nowait()
                data = path.read_bytes()
                start = time.perf_counter()
                done = await http.post(
                    f"{url}/api/v1/submissions",
                    files={"file": (path.name, data)},
                    headers={"Authorization": f"Bearer {tokens[unit]}"},
                )
                latencies.append(time.perf_counter() - start)
                if done.status_code != 200:
                    failures.append(f"{path.name}: {done.status_code} {done.text[:200]}")

    await asyncio.gather(*(client() for _ in range(clients)))
    if failures:
        raise SystemExit(f"{len(failures)} uploads failed, first: {failures[0]}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    import httpx

    with tempfile.TemporaryDirectory(prefix="govxl-bench-serve-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        start = time.perf_counter()
        files = make_files(folder, args.files)
        print(f"{args.files} workbooks made in {time.perf_counter() - start:.1f} s")
        os.environ["PYTHONPATH"] = str(ROOT)
        server = Server([sys.executable, "-m", "govxl"], Path(tmp) / "archive.sqlite", ADMIN, Path(tmp) / "log")
        server.start()
        try:
            roster = "填报单位\n" + "".join(f"{u}\n" for u, _ in files)
            done = httpx.put(
                f"{server.url}/api/v1/roster/2024",
                content=roster.encode(),
                headers={"Authorization": f"Bearer {ADMIN}"},
                timeout=120,
            )
            done.raise_for_status()
            tokens = {u["unit"]: u["token"] for u in done.json()["units"]}
            start = time.perf_counter()
            latencies = asyncio.run(
                asyncio.wait_for(upload_all(server.url, files, tokens, args.clients), args.timeout)
            )
            wall = time.perf_counter() - start
        finally:
            server.kill()
        cuts = statistics.quantiles(latencies, n=100)
        print(f"govxl serve: {len(latencies)} uploads by {args.clients} clients in {wall:.1f} s")
        print(f"  throughput {len(latencies) / wall:.1f} workbooks/s")
        p50, p95, top = cuts[49] * 1000, cuts[94] * 1000, max(latencies) * 1000
        print(f"  latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {top:.0f} ms")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "govxl", "check", "--no-corrections", *(str(p) for _, p in files)],
            capture_output=True,
            check=False,
            cwd=ROOT,
            timeout=args.timeout,
        )
        check_wall = time.perf_counter() - start
        print(f"govxl check --no-corrections of the same {len(files)} files, one process: {check_wall:.1f} s")
        print(f"  throughput {len(files) / check_wall:.1f} workbooks/s")
        floor(files)


def floor(files: list[tuple[str, Path]]) -> None:
    """What one validation frame costs here and now, whatever the server does: the floor under a batch."""
    from govxl.checker import read_all, validate_filings

    filings = [f for f in read_all([p for _, p in files[:50]])[0] if f is not None]
    validate_filings(filings[:1])  # imports, schema
    for n in (1, 50):
        start = time.perf_counter()
        validate_filings(filings[:n])
        print(
            f"  one validation frame of {n} workbook(s), in process: {(time.perf_counter() - start) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
