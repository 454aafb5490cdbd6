"""The accessibility smoke check: axe-core (from npm, tests/e2e/axe) and visible keyboard focus.

axe runs the WCAG 2.1 A/AA and best-practice rules on the page as the browser rendered it.
The rules in ENFORCED fail the test; every other finding is written to the report beside the
screenshots, to read, without failing (some best-practice rules are matters of taste).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# What the issue asks for (labels, alt text, heading order, contrast) and their close kin.
ENFORCED = frozenset(
    {
        "label",
        "label-title-only",
        "select-name",
        "input-button-name",
        "button-name",
        "link-name",
        "image-alt",
        "svg-img-alt",
        "role-img-alt",
        "input-image-alt",
        "heading-order",
        "page-has-heading-one",
        "empty-heading",
        "color-contrast",
        "document-title",
        "html-has-lang",
        "duplicate-id-aria",
        "aria-valid-attr",
        "aria-valid-attr-value",
        "aria-allowed-attr",
        "aria-required-attr",
        "aria-hidden-focus",
        "form-field-multiple-labels",
        "list",
        "listitem",
    }
)


def axe_violations(page: Page, axe_script: Path) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async (options) => await axe.run(document, options)", AXE_OPTIONS)
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


class AccessibilityLog:
    """Checks pages, fails on enforced rules, and keeps every finding in a JSON report."""

    def __init__(self, axe_script: Path, report: Path) -> None:
        self.axe_script = axe_script
        self.report = report
        self.findings: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Page, name: str) -> None:
        violations = axe_violations(page, self.axe_script)
        self.findings[name] = [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "enforced": violation["id"] in ENFORCED,
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in violations
        ]
        self.report.write_text(json.dumps(self.findings, indent=2), encoding="utf-8")
        enforced = [violation for violation in violations if violation["id"] in ENFORCED]
        assert not enforced, f"accessibility violations on {name} ({page.url}):\n" + describe(
            enforced
        )


FOCUS_STYLE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = window.getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    text: (element.innerText || element.value || element.getAttribute("aria-label") || "").trim(),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
  };
}"""


def focused_element_style(page: Page) -> dict[str, Any] | None:
    return page.evaluate(FOCUS_STYLE)


def has_visible_focus(style: dict[str, Any] | None) -> bool:
    """A focus ring the eye can see: an outline, or Bootstrap's box-shadow ring."""
    if not style or not style["visible"]:
        return False
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
    return outline or style["boxShadow"] not in ("", "none")
