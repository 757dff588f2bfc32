"""Intune vocabularies the generators draw from: policy types, names, failures, foundations.

Faker knows people and companies but not Microsoft Intune; fixtures for a
restore page look real only if policies, Graph failures and foundations look
like the ones an operator sees. Everything here is plain data, fixed at
import time, so that drawing from it is a cheap ``Random.choice``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PolicyKind:
    """One kind of Intune object a backup item can hold, with its name templates."""

    policy_type: str
    odata_type: str
    platform: str
    templates: tuple[str, ...]
    """Display-name templates; ``{org}``, ``{city}`` and ``{n}`` are filled from pools."""


POLICY_KINDS: tuple[PolicyKind, ...] = (
    PolicyKind(
        "deviceConfiguration",
        "#microsoft.graph.windows10GeneralConfiguration",
        "windows10",
        (
            "WIN - Device Restrictions - {org}",
            "Win11 - Device Restrictions - Kiosk",
            "WIN - Wi-Fi - {city} Office",
            "Win11 - Start Menu Layout - Ring {n}",
        ),
    ),
    PolicyKind(
        "deviceConfiguration",
        "#microsoft.graph.iosGeneralDeviceConfiguration",
        "iOS",
        ("iOS - Device Restrictions - Corporate", "iOS - Wi-Fi - {city}", "iPadOS - Shared iPad"),
    ),
    PolicyKind(
        "deviceConfiguration",
        "#microsoft.graph.androidWorkProfileGeneralDeviceConfiguration",
        "androidWorkProfile",
        ("AND - Work Profile - Restrictions", "AND - Work Profile - Passcode {n}"),
    ),
    PolicyKind(
        "deviceConfiguration",
        "#microsoft.graph.macOSGeneralDeviceConfiguration",
        "macOS",
        ("macOS - Device Restrictions - {org}", "macOS - Gatekeeper"),
    ),
    PolicyKind(
        "deviceCompliancePolicy",
        "#microsoft.graph.windows10CompliancePolicy",
        "windows10",
        (
            "WIN - Compliance - BitLocker Required",
            "WIN - Compliance - Minimum OS {n}",
            "{org} - Windows Compliance",
        ),
    ),
    PolicyKind(
        "deviceCompliancePolicy",
        "#microsoft.graph.iosCompliancePolicy",
        "iOS",
        ("iOS - Compliance - Jailbreak Blocked", "iOS - Compliance - Passcode"),
    ),
    PolicyKind(
        "deviceCompliancePolicy",
        "#microsoft.graph.androidDeviceOwnerCompliancePolicy",
        "androidEnterprise",
        ("AND - Compliance - Fully Managed",),
    ),
    PolicyKind(
        "configurationPolicy",
        "#microsoft.graph.deviceManagementConfigurationPolicy",
        "windows10",
        (
            "WIN - SC - Microsoft Edge Baseline",
            "WIN - SC - OneDrive Known Folder Move",
            "WIN - SC - Defender for Endpoint Onboarding",
            "{org} - SC - Windows Hello for Business",
        ),
    ),
    PolicyKind(
        "configurationPolicy",
        "#microsoft.graph.deviceManagementConfigurationPolicy",
        "macOS",
        ("macOS - SC - FileVault", "macOS - SC - Platform SSO"),
    ),
    PolicyKind(
        "windowsUpdateForBusinessConfiguration",
        "#microsoft.graph.windowsUpdateForBusinessConfiguration",
        "windows10",
        (
            "WUfB - Ring {n} - Pilot",
            "WUfB - Ring {n} - Broad",
            "WUfB - Ring {n} - Critical Devices",
        ),
    ),
    PolicyKind(
        "windowsFeatureUpdateProfile",
        "#microsoft.graph.windowsFeatureUpdateProfile",
        "windows10",
        ("WIN - Feature Update - 24H2", "WIN - Feature Update - 25H2 Pilot"),
    ),
    PolicyKind(
        "mobileAppConfiguration",
        "#microsoft.graph.iosMobileAppConfiguration",
        "iOS",
        ("iOS - Outlook - App Config", "iOS - Teams - App Config {org}"),
    ),
    PolicyKind(
        "mobileAppConfiguration",
        "#microsoft.graph.androidManagedStoreAppConfiguration",
        "androidEnterprise",
        ("AND - Edge - Managed Bookmarks", "AND - Outlook - App Config"),
    ),
    PolicyKind(
        "appProtectionPolicy",
        "#microsoft.graph.iosManagedAppProtection",
        "iOS",
        ("iOS - MAM - Level {n} Enterprise", "iOS - MAM - {org} BYOD"),
    ),
    PolicyKind(
        "appProtectionPolicy",
        "#microsoft.graph.androidManagedAppProtection",
        "android",
        ("AND - MAM - Level {n} Enterprise", "AND - MAM - Frontline Workers"),
    ),
    PolicyKind(
        "groupPolicyConfiguration",
        "#microsoft.graph.groupPolicyConfiguration",
        "windows10",
        (
            "ADMX - Google Chrome - {org}",
            "ADMX - Office - Macro Settings",
            "ADMX - {city} Printers",
        ),
    ),
    PolicyKind(
        "endpointSecurityIntent",
        "#microsoft.graph.deviceManagementIntent",
        "windows10",
        (
            "ES - Defender Antivirus - Baseline",
            "ES - Firewall - Domain Profile",
            "ES - Attack Surface Reduction - Audit",
            "ES - Security Baseline - {n}",
        ),
    ),
    PolicyKind(
        "deviceEnrollmentConfiguration",
        "#microsoft.graph.windows10EnrollmentCompletionPageConfiguration",
        "windows10",
        ("WIN - ESP - {org}", "WIN - Enrollment Status Page - Kiosk"),
    ),
    PolicyKind(
        "windowsAutopilotDeploymentProfile",
        "#microsoft.graph.azureADWindowsAutopilotDeploymentProfile",
        "windows10",
        ("AP - User Driven - {city}", "AP - Self Deploying - Kiosk"),
    ),
    PolicyKind(
        "deviceManagementScript",
        "#microsoft.graph.deviceManagementScript",
        "windows10",
        ("PS - Set Time Zone - {city}", "PS - Remove Bloatware", "PS - Map Drives {org}"),
    ),
)
"""Policy kinds, weighted by repetition of the common ones in :data:`POLICY_WEIGHTS`."""

POLICY_WEIGHTS: tuple[int, ...] = (9, 5, 3, 3, 6, 4, 2, 9, 3, 5, 2, 3, 2, 4, 3, 4, 5, 2, 2, 3)
"""How often each policy kind appears in a tenant's backup (assumed realism, not data)."""

UNICODE_DISPLAY_NAMES: tuple[str, ...] = (
    "Gerätekonfiguration – Größenbeschränkung für Übermittlungen",  # noqa: RUF001
    "デバイス制限ポリシー（全社・第２版）",  # noqa: RUF001
    "Política de cumplimiento — Año fiscal 2026",
    "سياسة الامتثال للأجهزة المُدارة",
    "📱 iOS – Zero-Trust Ω baseline ✅",  # noqa: RUF001
    "Zürich Büro – WLAN 🛜 «Gäste»",  # noqa: RUF001
    "Ĳsselmeer Ǆ – combining e\u0301 and NBSP\u00a0here",  # noqa: RUF001
    "Ελληνικά – Πολιτική ασφαλείας",  # noqa: RUF001
    "中文策略 – Windows 更新环 1",  # noqa: RUF001
    'Tab\tand "quotes" and back\\slash, comma',
)
"""Names that exercise encodings: accents, CJK, RTL, emoji, combining marks, CSV/SQL specials."""

FOUNDATION_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("scopeTag", ("Default", "{city} Office", "Kiosk Devices", "Helpdesk Tier 2", "{org} IT")),
    (
        "assignmentFilter",
        ("Windows 11 Corporate Devices", "iOS BYOD", "Autopilot Devices", "{city} Laptops"),
    ),
    (
        "notificationMessageTemplate",
        ("Compliance - Noncompliant Warning", "{org} - Update Your Device", "Grace Period Notice"),
    ),
)
"""Foundation object kinds restored before the items, with name templates."""


@dataclass(frozen=True, slots=True)
class FailureMode:
    """A Graph failure an item or a whole run can end with."""

    key: str
    http_status: int
    item_reasons: tuple[str, ...]
    run_reason: str
    """Run-level failure_reason; ``{failed}`` and ``{total}`` are filled in."""
    operation_code: str


FAILURE_MODES: dict[str, FailureMode] = {
    mode.key: mode
    for mode in (
        FailureMode(
            "forbidden",
            403,
            (
                "403 Forbidden: Application is not authorized to perform this operation; "
                "it must have DeviceManagementConfiguration.ReadWrite.All",
                "403 Forbidden: the app registration lacks "
                "DeviceManagementConfiguration.ReadWrite.All in the target tenant",
            ),
            "Microsoft Graph returned 403 Forbidden for {failed} of {total} items: the app "
            "registration lacks DeviceManagementConfiguration.ReadWrite.All.",
            "graph.forbidden",
        ),
        FailureMode(
            "throttled",
            429,
            (
                "429 Too Many Requests: throttled by Microsoft Graph (Retry-After: {retry} s), "
                "gave up after 5 attempts",
                "429 Too Many Requests: tenant request quota exceeded; Retry-After: {retry}",
            ),
            "Microsoft Graph throttled the restore (429 Too Many Requests, Retry-After honoured "
            "5 times); {failed} of {total} items were not restored.",
            "graph.throttled",
        ),
        FailureMode(
            "bad_request",
            400,
            (
                "400 Bad Request: Property 'settings[3].settingInstance' has an invalid value",
                "400 Bad Request: the payload references a setting definition unknown to the "
                "target tenant",
            ),
            "Microsoft Graph rejected {failed} of {total} items with 400 Bad Request.",
            "graph.bad_request",
        ),
        FailureMode(
            "not_found",
            404,
            (
                "404 Not Found: the assignment filter referenced by this policy does not exist "
                "in the target tenant",
                "404 Not Found: resource 'deviceManagement/deviceConfigurations' was not found",
            ),
            "404 Not Found for {failed} of {total} items: referenced objects are missing in the "
            "target tenant.",
            "graph.not_found",
        ),
        FailureMode(
            "timeout",
            504,
            (
                "504 Gateway Timeout: Microsoft Graph did not answer within 100 seconds",
                "Request timed out after 100 s waiting for Microsoft Graph (504)",
            ),
            "Microsoft Graph timed out (504 Gateway Timeout) for {failed} of {total} items.",
            "graph.timeout",
        ),
    )
}
"""Graph failures by key: 403, 429, 400, 404 and gateway timeouts."""

BLOCKED_REASONS: tuple[str, ...] = (
    "Execution blocked: the safety check found the target tenant changed since the preview "
    "(preview basis is stale).",
    "Execution blocked: another restore run is in progress for this environment.",
)
"""Run-level reasons for a run whose operation run ended ``blocked`` before any item ran."""

PARTIAL_REASONS: tuple[str, ...] = (
    "Settings applied; 2 assignments could not be restored (assignment filter missing)",
    "Policy restored without its scope tags: scope tag mapping incomplete",
)
"""Item reasons for an item that was only partly applied."""

SKIPPED_REASONS: tuple[str, ...] = (
    "Skipped: identical policy already present in the target tenant",
    "Skipped: policy type not supported for restore in the target tenant",
)
NON_APPLIED_REASONS: tuple[str, ...] = (
    "Not applied: a newer version of this policy exists in the target tenant",
    "Not applied: excluded by the operator after the preview",
)
CANCELLED_ITEM_REASON = "Not applied: the run was cancelled before this item was processed"
DRY_RUN_REASONS: tuple[str, ...] = (
    "Dry run: would update the existing policy",
    "Dry run: would create the policy",
)
FOUNDATION_SKIP_REASONS: tuple[str, ...] = (
    "Skipped: a scope tag with this name already exists and mapping was not confirmed",
    "Skipped: notification templates are not restored for this tenant",
)
SAFETY_WARNINGS: tuple[str, ...] = (
    "2 policies were modified in the target tenant after the backup was taken",
    "Assignment groups could not all be resolved; unresolved groups are skipped",
    "The backup set is older than 30 days",
)
EVIDENCE_SECTIONS: tuple[str, ...] = ("policies", "assignments", "foundations", "audit_log")
ENVIRONMENT_KINDS: tuple[str, ...] = ("Production", "Staging", "Pilot", "Test", "EU Tenant")

__all__ = (
    "BLOCKED_REASONS",
    "CANCELLED_ITEM_REASON",
    "DRY_RUN_REASONS",
    "ENVIRONMENT_KINDS",
    "EVIDENCE_SECTIONS",
    "FAILURE_MODES",
    "FOUNDATION_KINDS",
    "FOUNDATION_SKIP_REASONS",
    "NON_APPLIED_REASONS",
    "PARTIAL_REASONS",
    "POLICY_KINDS",
    "POLICY_WEIGHTS",
    "SAFETY_WARNINGS",
    "SKIPPED_REASONS",
    "UNICODE_DISPLAY_NAMES",
    "FailureMode",
    "PolicyKind",
)
