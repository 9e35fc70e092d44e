# The browser fixtures (Chromium through Playwright against the live server), for
# test_browser_programs.py.
from tests.browser.conftest import browser, page, sign_in  # noqa: F401
