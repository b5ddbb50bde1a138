//! Heading ids: the DocFX `<a name>` anchor of a heading, or a slug of its text.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::Event;

use super::attr;

/// `<a name="x"></a>` (or `<a id="x">`) at the start of a heading: returns
/// `x` and the heading's events without the anchor.
pub(super) fn strip_name_anchor<'a>(
    inner: &[(Event<'a>, std::ops::Range<usize>)],
) -> (Option<String>, Vec<(Event<'a>, std::ops::Range<usize>)>) {
    let mut anchor = None;
    let mut out = Vec::with_capacity(inner.len());
    let mut skip_close = false;
    for (ev, r) in inner {
        if let Event::InlineHtml(h) = ev {
            if anchor.is_none() {
                if let Some(name) = anchor_name(h) {
                    anchor = Some(name);
                    skip_close = !h.trim_end().ends_with("/>");
                    continue;
                }
            }
            if skip_close && h.trim().eq_ignore_ascii_case("</a>") {
                skip_close = false;
                continue;
            }
        }
        out.push((ev.clone(), r.clone()));
    }
    (anchor, out)
}

/// The `name` or `id` of an `<a ...>` tag.
fn anchor_name(tag: &str) -> Option<String> {
    let t = tag.trim();
    if !(t.starts_with("<a ") || t.starts_with("<A ")) {
        return None;
    }
    attr(t, "name")
        .or_else(|| attr(t, "id"))
        .filter(|v| !v.is_empty() && !crate::sanitize::is_reserved_id(v))
}

/// Makes heading ids: the DocFX anchor when there is one, otherwise the id
/// docfx gives the heading ([`gfm_id`]); unique within the page (`-1`,
/// `-2` appended, as Markdig does).
#[derive(Default)]
pub(super) struct IdMaker {
    used: HashSet<String>,
    /// Per base, the next suffix to try: 50,000 headings of the same text
    /// once probed `-1`, `-2`, ... from the start each time (quadratic).
    next: HashMap<String, usize>,
}

impl IdMaker {
    pub(super) fn make(&mut self, anchor: Option<&str>, text: &str) -> String {
        let base = match anchor {
            Some(a) => a.to_string(),
            None => gfm_id(text),
        };
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if self.used.insert(base.clone()) {
            return base;
        }
        // Suffixes below `next` are taken already, so each is tried once
        // over the whole page.
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The id docfx gives a heading (Markdig's auto identifiers with the
/// GitHub option, `LinkHelper.UrilizeAsGfm`): each character of the
/// heading's text lowercased, letters and digits (any script), `-` and `_`
/// kept, a space written as `-`, everything else dropped. So
/// `Help + support` is `help--support` and `Step 1 - Sign in` is
/// `step-1---sign-in`: deep links into the published pages keep working.
/// `text` is the heading's text as written (code spans' text included,
/// markup and raw HTML not), white space not collapsed.
pub fn gfm_id(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            s.push(c);
        } else if c == ' ' {
            s.push('-');
        }
    }
    s
}

/// The text of a heading's inline events as Markdig's strip renderer
/// writes it for [`gfm_id`]: text and code, line breaks as nothing.
pub(super) fn id_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    for (ev, _) in events {
        if let Event::Text(t) | Event::Code(t) = ev {
            s.push_str(t);
        }
    }
    s
}

/// A tab's id (`#tab/windows`): lowercase letters and digits (any script),
/// words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            s.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("Wat is Partner Center?"), "wat-is-partner-center");
        assert_eq!(slugify("Ärger über Café"), "ärger-über-café");
        assert_eq!(slugify("  --  "), "");
    }
}

#[cfg(test)]
mod gfm_tests {
    use super::gfm_id;

    /// Headings of the Partner Center corpus (and the examples)
    /// with the ids docfx gives them, worked out by hand from
    /// `LinkHelper.UrilizeAsGfm` (and its own tests: `* Dogs*?--in *my*
    /// house?` → `-dogs--in-my-house`, `3. Applications` →
    /// `3-applications`). The heading text is as Markdig's strip renderer
    /// gives it: emphasis markers and backslash escapes gone.
    #[test]
    fn heading_ids_follow_docfx() {
        let table = [
            ("Help + support", "help--support"),
            ("Step 1 - Sign in", "step-1---sign-in"),
            ("snake_case_name", "snake_case_name"),
            ("* Dogs*?--in *my* house?", "-dogs--in-my-house"),
            ("3. Applications", "3-applications"),
            ("Step 1: Select the type of app you are submitting", "step-1-select-the-type-of-app-you-are-submitting"),
            ("Specializations that don't require an audit or customer references", "specializations-that-dont-require-an-audit-or-customer-references"),
            ("If I exceed my credit limit, can I continue servicing existing customers and subscriptions with full access?", "if-i-exceed-my-credit-limit-can-i-continue-servicing-existing-customers-and-subscriptions-with-full-access"),
            ("Direct mail, email, and short message service (SMS)", "direct-mail-email-and-short-message-service-sms"),
            ("Performance: Net customer adds metric", "performance-net-customer-adds-metric"),
            ("DAP monitoring and self-service removal", "dap-monitoring-and-self-service-removal"),
            ("Method 3: Query string parameters", "method-3-query-string-parameters"),
            ("Cloud Ascent - Azure propensity report", "cloud-ascent---azure-propensity-report"),
            ("Request URL", "request-url"),
            ("Admin consent - How to approve", "admin-consent---how-to-approve"),
            ("Get a list of SKUs for a product (by country/region)", "get-a-list-of-skus-for-a-product-by-countryregion"),
            (".NET (CSP authentication)", "net-csp-authentication"),
            ("Pricing (informational only)", "pricing-informational-only"),
            ("I qualify for the Solution Partner designation program, but I want the older Silver or Gold benefits. Are they available to me?", "i-qualify-for-the-solution-partner-designation-program-but-i-want-the-older-silver-or-gold-benefits-are-they-available-to-me"),
            ("Issue 2: Partner hasn't implemented MFA for user accounts not using Delegated Admin Privileges", "issue-2-partner-hasnt-implemented-mfa-for-user-accounts-not-using-delegated-admin-privileges"),
            ("Section 3: Credit Notes", "section-3-credit-notes"),
            ("Alternative Azure GDAP guidance (without using Admin Agent)", "alternative-azure-gdap-guidance-without-using-admin-agent"),
            ("Select Azure regions (clouds)", "select-azure-regions-clouds"),
            (".NET", "net"),
            ("L1-L2-L3", "l1-l2-l3"),
            ("Customer success: Deployments metric", "customer-success-deployments-metric"),
            ("Digital & App Innovation", "digital--app-innovation"),
            ("Three-year-term subscription examples", "three-year-term-subscription-examples"),
            ("Get all of a customer\u{2019}s orders", "get-all-of-a-customers-orders"),
            ("About the Azure- Internal/Shared Services offer", "about-the-azure--internalshared-services-offer"),
            ("Move your customer's license-based subscriptions to the CSP Program", "move-your-customers-license-based-subscriptions-to-the-csp-program"),
            ("Technical configuration (offer-level)", "technical-configuration-offer-level"),
            ("What is the benefit of adding a DPOR to my subscription?", "what-is-the-benefit-of-adding-a-dpor-to-my-subscription"),
            ("C# example", "c-example"),
            ("Abuse-of-service risks", "abuse-of-service-risks"),
            ("Wat is Partner Center?", "wat-is-partner-center"),
            ("Ärger über Café", "ärger-über-café"),
        ];
        assert!(table.len() >= 30);
        for (text, id) in table {
            assert_eq!(gfm_id(text), id, "{text}");
        }
    }
}
