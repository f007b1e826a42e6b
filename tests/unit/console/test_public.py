"""The citizens' listener: only the citizens' routes, rate-limited per client."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.routing import Mount, Route

from config.schema import HallConfig
from console.public import create_public_app
from console.ratelimit import RateLimiter, client_address, trusted_networks
from tests.unit.console.helpers import Clock, Console

SAMPLE = {"window": "W03", "verb": "call", "token": "x"}


def staff_paths(c: Console) -> list[str]:
    """Every path the staff console serves (its routes with sample values), and its assets."""
    paths = []
    for route in c.app.routes:
        if isinstance(route, Route):
            paths.append(re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), "x"), route.path))
        elif isinstance(route, Mount):
            paths += [f"{route.path}/console.css", f"{route.path}/console.js"]
    return paths


def public_client(c: Console, limiter: RateLimiter | None = None) -> TestClient:
    app = create_public_app(c.state, c.sender, limiter=limiter)
    return TestClient(app, follow_redirects=False)


def test_every_staff_route_and_asset_is_a_404_on_the_public_listener(hall: HallConfig) -> None:
    c = Console(hall)
    # Every route twice is more than a citizen's burst: the limit is the next test's subject.
    public = public_client(c, RateLimiter(per_minute=60, burst=1000))
    paths = staff_paths(c)
    assert {"/login", "/hall", "/caller/W03", "/notices", "/windows", "/hall/events"} <= set(
        paths
    )
    assert "/static/console.css" in paths
    paths.remove("/")  # the citizens' own index there (below), not the staff's sign-in
    for path in paths:
        for method in ("GET", "POST"):
            response = public.request(method, path)
            assert response.status_code in (404, 405), (method, path, response.status_code)
            assert response.status_code == 404 or method == "POST", (method, path)
            assert "管理台" not in response.text and "登录" not in response.text
    assert public.get("/static/public/public.css").status_code == 200
    assert public.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
    index = public.get("/")
    assert index.status_code == 200 and "二维码" in index.text and "login" not in index.text


def test_behind_a_proxy_that_keeps_the_public_path_the_pages_answer_under_it(
    hall: HallConfig,
) -> None:
    """``proxy_pass`` without a trailing slash passes ``/chengdong/t/…`` on as it is."""
    c = Console(hall)
    c.state.hall = hall.model_validate(
        {**hall.model_dump(), "public_url": "https://zwfw.example.gov.cn/chengdong"}
    )
    public = public_client(c)
    page = public.get("/chengdong/")
    assert page.status_code == 200
    assert 'href="/chengdong/static/public/public.css"' in page.text
    assert public.get("/chengdong/static/public/public.css").status_code == 200
    assert public.get("/chengdong/login").status_code == 404
    assert public.get("/chengdong/static/console.css").status_code == 404


def test_every_answer_carries_the_security_headers(hall: HallConfig) -> None:
    c = Console(hall)
    response = public_client(c).get("/t/nothing")
    assert response.headers["referrer-policy"] == "no-referrer"  # the token stays in the page
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_client_past_its_burst_gets_the_429_page_in_both_languages(hall: HallConfig) -> None:
    c = Console(hall)
    clock = Clock()
    public = public_client(c, RateLimiter(per_minute=60, burst=3, monotonic=clock))
    for _ in range(3):
        assert public.get("/t/nothing").status_code == 404
    limited = public.get("/t/nothing")
    assert limited.status_code == 429
    assert "访问过于频繁" in limited.text
    assert limited.headers["retry-after"] == "1"
    assert "Too many requests" in public.get("/t/nothing?lang=en").text
    clock.t += 1.0  # one request a second refills one token
    assert public.get("/t/nothing").status_code == 404


def test_x_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    trusted = trusted_networks(["127.0.0.1", "10.1.0.0/16"])
    # From the proxy: the address it saw, past any further trusted hop.
    assert client_address("127.0.0.1", "203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.9, 10.1.2.3", trusted) == (
        "203.0.113.9"
    )
    # From anyone else the header is the client's own words: ignored.
    assert client_address("203.0.113.50", "198.51.100.1", trusted) == "203.0.113.50"
    # A garbled header from the proxy counts the proxy, never a made-up key.
    assert client_address("127.0.0.1", "not-an-address", trusted) == "127.0.0.1"


def test_clients_behind_the_trusted_proxy_are_limited_apart(hall: HallConfig) -> None:
    c = Console(hall)
    c.state.hall = hall.model_validate(
        {**hall.model_dump(), "console": {"trusted_proxies": ["127.0.0.1"]}}
    )

    def behind(peer: str) -> TestClient:
        app = create_public_app(
            c.state, c.sender, limiter=RateLimiter(per_minute=60, burst=1, monotonic=Clock())
        )
        return TestClient(app, client=(peer, 40000))

    proxy = behind("127.0.0.1")
    assert proxy.get("/t/x", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 404
    assert proxy.get("/t/x", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 404
    assert proxy.get("/t/x", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    # Not the proxy: whatever the header says, one client.
    direct = behind("192.0.2.7")
    assert direct.get("/t/x", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 404
    assert direct.get("/t/x", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 429


def test_public_url_and_trusted_proxies_are_checked_with_what_to_write(hall: HallConfig) -> None:
    def with_(**changes: object) -> HallConfig:
        return HallConfig.model_validate({**hall.model_dump(mode="json"), **changes})

    assert with_(public_url="https://zwfw.example.gov.cn/chengdong/").public_url == (
        "https://zwfw.example.gov.cn/chengdong"
    )
    for bad, words in (
        ("zwfw.example.gov.cn/chengdong", "https://zwfw.example.gov.cn/chengdong"),
        ("ftp://zwfw.example.gov.cn/", "web address"),
        ("https://zwfw.example.gov.cn/t?hall=1", "no ?query"),
    ):
        with pytest.raises(ValidationError, match=re.escape(words)):
            with_(public_url=bad)
    with pytest.raises(ValidationError, match="not an IP address or network"):
        with_(console={"trusted_proxies": ["nginx.local"]})
    assert with_(console={"trusted_proxies": ["10.0.0.0/24", "::1"]}).console.trusted_proxies
