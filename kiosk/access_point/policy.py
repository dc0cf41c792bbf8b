"""The browser's managed policy: what the portal browser may open and do, from the config.

Chromium on Debian reads every JSON file in /etc/chromium/policies/managed at start; a
policy there cannot be changed from inside the browser. On Linux there is no switch to
point Chromium at another policy file (the command-line policy works only in Android debug
builds), so the file is installed by root (`kiosk portal-policy --install`) and the kiosk,
which cannot write /etc, checks before each session that the installed file is the one its
config asks for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.config import Config

POLICY_FILE = "kiosk-portal.json"

# Chromium's DeveloperToolsAvailability: 2 = never (also refuses the DevTools protocol)
DEVTOOLS_NEVER = 2
# DownloadRestrictions: 1 = refuse files Safe Browsing thinks dangerous
DOWNLOADS_SAFE_ONLY = 1


def allowed_hosts(config: Config) -> list[str]:
    """The hosts the browser may open (each with its subdomains): the two portals and the
    configured ones, in order, once each."""
    access = config.access_point
    hosts = [urlsplit(url).hostname or "" for url in (access.national_url,
                                                      access.province_url) if url]
    hosts += [h.strip().lower() for h in access.allowed_hosts]
    return list(dict.fromkeys(h for h in hosts if h))


def build_policy(config: Config) -> dict[str, Any]:
    """The managed policy for the portal browser. Everything is refused (`*`) except the
    allow-list; the filters name hosts without a scheme, so both http and https of those
    hosts (and their subdomains) load, and file://, chrome:// and data: pages do not."""
    return {
        "URLBlocklist": ["*"],
        "URLAllowlist": allowed_hosts(config),
        # downloads go, without asking, to the session folder the kiosk empties afterwards
        "DownloadDirectory": str(config.portal_files_dir),
        "PromptForDownloadLocation": False,
        "DownloadRestrictions": DOWNLOADS_SAFE_ONLY,
        # the upload dialog stays: the portal asks for files (the session folder's papers)
        "AllowFileSelectionDialogs": True,
        "DeveloperToolsAvailability": DEVTOOLS_NEVER,
        # printing is the kiosk's job (its own printer and slips), not the browser's
        "PrintingEnabled": False,
        "IncognitoModeAvailability": 1,  # no incognito window (it would drop the strip)
        "BrowserGuestModeEnabled": False,
        "BrowserAddPersonEnabled": False,
        "BrowserSignin": 0,
        "SyncDisabled": True,
        "PasswordManagerEnabled": False,
        "AutofillAddressEnabled": False,
        "AutofillCreditCardEnabled": False,
        "SavingBrowserHistoryDisabled": True,
        "DefaultBrowserSettingEnabled": False,
        "MetricsReportingEnabled": False,
        "TranslateEnabled": False,
        "SearchSuggestEnabled": False,
        "ExternalProtocolDialogShowAlwaysOpenCheckbox": False,
        "AutoplayAllowed": False,
    }


def policy_path(config: Config) -> Path:
    return Path(config.access_point.policy_dir) / POLICY_FILE


def policy_text(policy: dict[str, Any]) -> str:
    return json.dumps(policy, ensure_ascii=False, indent=2) + "\n"


def install_policy(config: Config, policy: dict[str, Any] | None = None) -> Path:
    """Write the policy where Chromium reads it (needs root); world-readable, since the
    browser runs as the kiosk user, and written whole or not at all."""
    path = policy_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_text(policy_text(policy or build_policy(config)), encoding="utf-8")
    part.chmod(0o644)
    part.replace(path)
    return path


def policy_problem(config: Config, wanted: dict[str, Any] | None = None) -> str:
    """Why the installed policy cannot guard a session ("" when it can): missing,
    unreadable, or different from `wanted` (what the config asks for)."""
    path = policy_path(config)
    try:
        installed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"the browser policy {path} is not installed"
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return f"the browser policy {path} cannot be read ({err})"
    wanted = wanted or build_policy(config)
    if installed != wanted:
        changed = sorted(k for k in set(wanted) | set(installed)
                         if installed.get(k) != wanted.get(k))
        return f"the browser policy {path} differs from the config in {', '.join(changed)}"
    return ""
