"""The pure parts of the benchmark (``bench/``): wrk's output and the percentiles."""

import statistics

import pytest

from bench.load import parse_wrk, percentile

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:41234/catalogue/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    85.31ms   20.12ms 310.55ms   75.00%
    Req/Sec    94.12     15.40   130.00     68.00%
  Latency Distribution
     50%   81.20ms
     75%   95.00ms
     90%  110.40ms
     99%    1.21s
  1880 requests in 10.02s, 37.86MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    187.62
Transfer/sec:      3.78MB
"""


def test_wrk_output_gives_rate_percentiles_in_milliseconds_and_failures():
    result = parse_wrk(WRK_OUTPUT)
    assert result.rps == pytest.approx(187.62)
    assert result.p50_ms == pytest.approx(81.2)
    assert result.p99_ms == pytest.approx(1210.0)  # "1.21s"
    assert result.requests == 1880
    assert result.seconds == pytest.approx(10.02)
    assert result.errors == 2 + 3 + 4
    assert result.tool == "wrk"


def test_wrk_microseconds_and_a_clean_run():
    output = (
        WRK_OUTPUT.replace("81.20ms", "950.00us")
        .replace("    1.21s", "  2.50ms")
        .replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
        .replace("  Non-2xx or 3xx responses: 4\n", "")
    )
    result = parse_wrk(output)
    assert result.p50_ms == pytest.approx(0.95)
    assert result.p99_ms == pytest.approx(2.5)
    assert result.errors == 0


def test_wrk_output_without_the_latency_distribution_is_refused():
    with pytest.raises(ValueError, match="latency distribution"):
        parse_wrk(WRK_OUTPUT.replace("     99%    1.21s\n", ""))


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 101)]  # 1 … 100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    # Same definition as the standard library's inclusive quantiles.
    sample = [12.0, 3.5, 8.25, 41.0, 0.5, 19.0, 7.0]
    assert percentile(sample, 25) == pytest.approx(
        statistics.quantiles(sample, n=4, method="inclusive")[0]
    )
    assert percentile(list(reversed(values)), 90) == percentile(values, 90)


def test_percentile_refuses_nonsense():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)
