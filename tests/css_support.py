"""What a CSS engine would drop from a stylesheet, found without a browser.

A browser (or WeasyPrint) reading a stylesheet silently ignores: anything that does not parse;
`@charset` anywhere but at the very start; `@import` after any rule other than `@charset`,
`@layer` statements and other imports; `@namespace` after any other rule (and then every
selector using its prefix); at-rules it does not know; a rule whose selector does not compile
(an undeclared namespace prefix drops the whole rule); a declaration whose property is unknown
or whose value is invalid. `stylesheet_problems` lists each of these as `line:col: message`.

The tools are WeasyPrint's own: tinycss2 parses, cssselect2 compiles selectors, and
WeasyPrint's property and descriptor validators judge declarations. Where WeasyPrint only
declines a property because it is not for print (`NOT_PRINT_MEDIA`), the property is taken as
known. Prefixed properties are allowed only for the reading systems' own prefixes (`-epub-`,
`-webkit-`): a browser that does not know one ignores it harmlessly, as intended. WeasyPrint's
`-weasy-` prefix is judged as WeasyPrint does: valid on the properties it still accepts so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cssselect2
import tinycss2
from weasyprint.css import parse_page_selectors
from weasyprint.css.tokens import InvalidValues, remove_whitespace
from weasyprint.css.validation import NOT_PRINT_MEDIA
from weasyprint.css.validation.descriptors import DESCRIPTORS
from weasyprint.css.validation.expanders import EXPANDERS
from weasyprint.css.validation.properties import PREFIX, PROPRIETARY, UNSTABLE, validate_non_shorthand

# At-rules a current browser or WeasyPrint knows, by what their block holds.
GROUP_AT_RULES = {"media", "supports", "layer", "container", "scope", "starting-style", "document"}
DESCRIPTOR_AT_RULES = {"font-face", "counter-style", "property", "font-palette-values"}
OTHER_AT_RULES = {"page", "keyframes", "-webkit-keyframes", "font-feature-values"}
PRELUDE_AT_RULES = {"charset", "import", "namespace"}
# The margin boxes of CSS Paged Media, and GCPM's footnote area (WeasyPrint), inside @page.
PAGE_AREAS = {f"{side}-{where}" for side in ("top", "bottom")
              for where in ("left-corner", "left", "center", "right", "right-corner")}
PAGE_AREAS |= {f"{side}-{where}" for side in ("left", "right") for where in ("top", "middle", "bottom")}
PAGE_AREAS |= {"footnote"}
VENDOR_PREFIXES = ("-epub-", "-webkit-")
REQUIRED_DESCRIPTORS = {"font-face": ("font-family", "src")}


@dataclass
class _Checker:
    base_url: str  # relative url()s resolve against it
    problems: list[str] = field(default_factory=list)
    namespaces: dict[str, str] = field(default_factory=dict)

    def report(self, node, message: str) -> None:
        self.problems.append(f"{node.source_line}:{node.source_column}: {message}")

    # ------------------------------------------------------------ rule lists

    def sheet(self, css: str) -> None:
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        seen = set()  # what kinds of rule came before: "charset", "import", "namespace", "other"
        for rule in rules:
            if rule.type == "error":
                self.report(rule, f"parse error: {rule.message}")
                continue
            keyword = rule.lower_at_keyword if rule.type == "at-rule" else ""
            if keyword == "charset":
                if seen or not css.startswith('@charset "'):
                    self.report(rule, "@charset is ignored anywhere but at the very start of the file")
            elif keyword == "import":
                if seen - {"charset", "import", "layer-statement"}:
                    self.report(rule, "@import after other rules is ignored")
            elif keyword == "namespace":
                if seen - {"charset", "import", "layer-statement", "namespace"}:
                    self.report(rule, "@namespace after other rules is ignored "
                                      "(and so is every rule using its prefix)")
                else:
                    self._namespace(rule)
            else:
                self.rule(rule)
            statement = keyword == "layer" and rule.content is None
            seen.add("layer-statement" if statement else keyword if keyword in PRELUDE_AT_RULES else "other")

    def rule_list(self, nodes) -> None:
        for node in nodes:
            if node.type == "error":
                self.report(node, f"parse error: {node.message}")
            elif node.type == "at-rule" and node.lower_at_keyword in PRELUDE_AT_RULES:
                self.report(node, f"@{node.at_keyword} inside another rule is ignored")
            elif node.type in ("at-rule", "qualified-rule"):
                self.rule(node)

    def rule(self, rule) -> None:
        if rule.type == "qualified-rule":
            self.style_rule(rule)
            return
        keyword = rule.lower_at_keyword
        if keyword in GROUP_AT_RULES:
            if rule.content is not None:
                self.rule_list(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True))
        elif keyword in DESCRIPTOR_AT_RULES:
            self.descriptors(rule, keyword)
        elif keyword == "page":
            self.page_rule(rule)
        elif keyword not in OTHER_AT_RULES:
            self.report(rule, f"unknown at-rule @{rule.at_keyword} is ignored")

    def _namespace(self, rule) -> None:
        tokens = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
        if len(tokens) == 2 and tokens[0].type == "ident" and tokens[1].type in ("string", "url"):
            self.namespaces[tokens[0].value] = tokens[1].value
        elif len(tokens) == 1 and tokens[0].type in ("string", "url"):
            self.namespaces[None] = tokens[0].value
        else:
            self.report(rule, "malformed @namespace is ignored")

    # ------------------------------------------------------------ rules

    def style_rule(self, rule) -> None:
        namespaces = {k: v for k, v in self.namespaces.items() if k is not None}
        try:
            cssselect2.compile_selector_list(rule.prelude, namespaces)
        except cssselect2.SelectorError as exc:
            reason = exc.args[-1] if exc.args else "invalid"
            self.report(rule, f"selector {tinycss2.serialize(rule.prelude).strip()!r} is "
                              f"invalid ({reason}): the whole rule is ignored")
        self.declarations(rule.content, nested_allowed=False)

    def page_rule(self, rule) -> None:
        if parse_page_selectors(rule) is None:
            self.report(rule, f"page selector {tinycss2.serialize(rule.prelude).strip()!r} is invalid")
        for node in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if node.type == "at-rule":
                if node.lower_at_keyword not in PAGE_AREAS:
                    self.report(node, f"unknown page area @{node.at_keyword} is ignored")
                else:
                    self.declarations(node.content, nested_allowed=False)
            else:
                self._declaration(node)

    def declarations(self, content, nested_allowed: bool) -> None:
        for node in tinycss2.parse_blocks_contents(content or [], skip_comments=True, skip_whitespace=True):
            if node.type in ("qualified-rule", "at-rule") and not nested_allowed:
                self.report(node, "nested rules are ignored by reading systems that predate CSS nesting")
            else:
                self._declaration(node)

    def _declaration(self, node) -> None:
        if node.type == "error":
            self.report(node, f"parse error: {node.message}")
            return
        if node.type != "declaration":
            return
        name = node.lower_name
        if name.startswith("--") or name in NOT_PRINT_MEDIA:
            return
        if name.startswith(PREFIX) and name[len(PREFIX):] in PROPRIETARY | UNSTABLE:
            name = name[len(PREFIX):]
        elif name.startswith("-"):
            if not name.startswith(VENDOR_PREFIXES):
                self.report(node, f"prefixed property {node.name} is ignored")
            return
        tokens = remove_whitespace(node.value)
        try:
            if not tokens:
                raise InvalidValues("no value")
            list(EXPANDERS.get(name, validate_non_shorthand)(tokens, name, self.base_url))
        except InvalidValues as exc:
            reason = exc.args[0] if exc.args and exc.args[0] else "invalid value"
            self.report(node, f"{node.name}: {tinycss2.serialize(node.value).strip()} is ignored ({reason})")

    def descriptors(self, rule, keyword: str) -> None:
        known = DESCRIPTORS.get(keyword, {})
        names = set()
        for node in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True, skip_whitespace=True):
            if node.type == "error":
                self.report(node, f"parse error: {node.message}")
            elif node.type == "declaration":
                names.add(node.lower_name)
                self._descriptor(node, known)
        for required in REQUIRED_DESCRIPTORS.get(keyword, ()):
            if required not in names:
                self.report(rule, f"@{keyword} without {required} is ignored")

    def _descriptor(self, node, known: dict) -> None:
        if not known or node.lower_name in NOT_PRINT_MEDIA:
            return  # an at-rule WeasyPrint does not validate: parsed, not judged
        function = known.get(node.lower_name)
        try:
            if function is None:
                raise InvalidValues("unknown descriptor")
            tokens = remove_whitespace(node.value)
            value = function(tokens, self.base_url) if function.wants_base_url else function(tokens)
            if value is None:
                raise InvalidValues("invalid value")
        except InvalidValues as exc:
            reason = exc.args[0] if exc.args and exc.args[0] else "invalid value"
            self.report(node, f"{node.name}: {tinycss2.serialize(node.value).strip()} is ignored ({reason})")


def stylesheet_problems(css: str, base_url: str = "file:///styles/sheet.css") -> list[str]:
    """`line:col: message` for everything in `css` that a CSS engine would ignore. Relative
    URLs resolve against `base_url` (whether the files exist is not judged here)."""
    checker = _Checker(base_url)
    checker.sheet(css)
    return checker.problems
