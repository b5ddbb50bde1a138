/* tolk checklist runtime.
 *
 * The one hand-written piece of browser code for executable checklists
 * (DESIGN.md section 3). Part 1 holds the primitives that the code generated
 * by tolk (src/checklist/js.rs) calls; each mirrors a Rust function of
 * src/checklist/value.rs, eval.rs, regex.rs or src/date.rs one to one, and
 * the differential tests run both on the same answers and compare the JSON
 * byte for byte. Part 2 binds the rendered forms (src/checklist/html.rs).
 *
 * No eval, no Function constructor, no Date arithmetic: a strict Content-Security-
 * Policy works, and dates are day numbers (days since 1970-01-01).
 */
(function (root) {
  "use strict";

  var MAX = 9007199254740991; // 2^53 - 1
  var R = {};

  /* ---------- dates: Howard Hinnant's civil algorithms, as in date.rs ---------- */

  function isLeap(y) {
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  }
  function daysInMonth(y, m) {
    if (m === 2) return isLeap(y) ? 29 : 28;
    return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  }
  // Date::from_ymd: the day number, or null outside years 1..9999.
  function fromYmd(y, m, d) {
    if (y < 1 || y > 9999 || m < 1 || m > 12) return null;
    if (d < 1 || d > daysInMonth(y, m)) return null;
    var yy = m <= 2 ? y - 1 : y;
    var era = Math.floor(yy / 400);
    var yoe = yy - era * 400;
    var mp = m > 2 ? m - 3 : m + 9;
    var doy = Math.floor((153 * mp + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  // Date::ymd
  function ymd(days) {
    var z = days + 719468;
    var era = Math.floor(z / 146097);
    var doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153);
    var d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    var m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  // Date::from_days: the day number if its year is 1..9999. The day numbers
  // of those years lie within ±3,000,000; anything beyond is out of range
  // (and may not even be an exact double).
  function fromDays(n) {
    if (!(n >= -800000 && n <= 3000000)) return null;
    var y = ymd(n)[0];
    return y >= 1 && y <= 9999 ? n : null;
  }
  function pad(n, w) {
    var s = String(n);
    while (s.length < w) s = "0" + s;
    return s;
  }
  function iso(days) {
    var t = ymd(days);
    return pad(t[0], 4) + "-" + pad(t[1], 2) + "-" + pad(t[2], 2);
  }
  function digitsOf(s, a, b) {
    var n = 0;
    for (var i = a; i < b; i++) {
      var c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      n = n * 10 + c;
    }
    return n;
  }
  // Date::parse_iso: exactly YYYY-MM-DD.
  function parseIso(s) {
    if (typeof s !== "string" || s.length !== 10 || s[4] !== "-" || s[7] !== "-") return null;
    var y = digitsOf(s, 0, 4), m = digitsOf(s, 5, 7), d = digitsOf(s, 8, 10);
    if (y === null || m === null || d === null) return null;
    return fromYmd(y, m, d);
  }
  R.fromYmd = fromYmd;
  R.ymd = ymd;
  R.iso = iso;
  R.parseIso = parseIso;

  /* ---------- values and errors (value.rs) ---------- */

  var ERRORS = {
    overflow: {
      "nl-nl": "Het getal valt buiten het bereik van -9007199254740991 tot 9007199254740991.",
      en: "The number is outside the range -9007199254740991 to 9007199254740991."
    },
    date: {
      "nl-nl": "De datum valt buiten de jaren 1 tot en met 9999.",
      en: "The date is outside the years 1 to 9999."
    }
  };

  // The context of one item's evaluation: its first error.
  function fail(x, kind) {
    if (x.err === null) x.err = kind;
    return null;
  }

  // value::parse_int: -?[0-9]{1,16} within ±(2^53−1), by a digit loop.
  function parseIntAnswer(s) {
    if (typeof s !== "string") return null;
    var neg = s.charCodeAt(0) === 45;
    var a = neg ? 1 : 0;
    var len = s.length - a;
    if (len < 1 || len > 16) return null;
    var n = digitsOf(s, a, s.length);
    if (n === null || n > MAX) return null;
    return neg ? (n === 0 ? 0 : -n) : n;
  }
  R.parseInt = parseIntAnswer;

  R.and = function (a, b) {
    if (a === false || b === false) return false;
    if (a === true && b === true) return true;
    return null;
  };
  R.or = function (a, b) {
    if (a === true || b === true) return true;
    if (a === false && b === false) return false;
    return null;
  };
  R.not = function (a) {
    return a === null ? null : !a;
  };
  R.eq = function (a, b) {
    return a === null || b === null ? null : a === b;
  };
  R.ne = function (a, b) {
    return a === null || b === null ? null : a !== b;
  };
  // Text by code point (not by UTF-16 unit, which orders astral characters
  // before U+E000..U+FFFF).
  function cmpText(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    if (j < b.length) return -1;
    return 0;
  }
  function ord(a, b, text) {
    if (text) return cmpText(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  R.lt = function (a, b, text) {
    return a === null || b === null ? null : ord(a, b, text) < 0;
  };
  R.le = function (a, b, text) {
    return a === null || b === null ? null : ord(a, b, text) <= 0;
  };
  R.gt = function (a, b, text) {
    return a === null || b === null ? null : ord(a, b, text) > 0;
  };
  R.ge = function (a, b, text) {
    return a === null || b === null ? null : ord(a, b, text) >= 0;
  };
  function int(x, r) {
    return r > MAX || r < -MAX ? fail(x, "overflow") : r;
  }
  R.add = function (x, a, b) {
    return a === null || b === null ? null : int(x, a + b);
  };
  R.sub = function (x, a, b) {
    return a === null || b === null ? null : int(x, a - b);
  };
  R.neg = function (a) {
    return a === null ? null : a === 0 ? 0 : -a;
  };
  R.inList = function (a, items) {
    var acc = false;
    for (var i = 0; i < items.length; i++) acc = R.or(acc, R.eq(a, items[i]));
    return acc;
  };
  R.isSet = function (a) {
    return a !== null;
  };
  R.daysBetween = function (a, b) {
    return a === null || b === null ? null : b - a;
  };
  R.addDays = function (x, d, n) {
    if (d === null || n === null) return null;
    var r = fromDays(d + n);
    return r === null ? fail(x, "date") : r;
  };
  // Date::add_months: clamped to the target month's last day.
  R.addMonths = function (x, d, n) {
    if (d === null || n === null) return null;
    if (n > 200000 || n < -200000) return fail(x, "date");
    var t = ymd(d);
    var total = t[0] * 12 + (t[1] - 1) + n;
    var ny = Math.floor(total / 12);
    var nm = total - ny * 12 + 1;
    if (ny < 1 || ny > 9999) return fail(x, "date");
    var r = fromYmd(ny, nm, Math.min(t[2], daysInMonth(ny, nm)));
    return r === null ? fail(x, "date") : r;
  };
  R.endOfMonth = function (d) {
    if (d === null) return null;
    var t = ymd(d);
    return fromYmd(t[0], t[1], daysInMonth(t[0], t[1]));
  };
  function mod7(n) {
    return ((n % 7) + 7) % 7;
  }
  // Date::add_workdays: Monday to Friday; from a weekend day, +1 is the
  // Monday and -1 the Friday.
  R.addWorkdays = function (x, d, n) {
    if (d === null || n === null) return null;
    if (n > 4000000 || n < -4000000) return fail(x, "date");
    if (n === 0) return d;
    var wd = mod7(d + 3), m = Math.abs(n), weeks = Math.floor(m / 5), rem = m % 5, r, start, w;
    if (n >= 0) {
      start = wd >= 5 ? d - (wd - 4) : d;
      w = wd >= 5 ? 4 : wd;
      r = start + weeks * 7 + rem + (w + rem >= 5 ? 2 : 0);
    } else {
      start = wd >= 5 ? d + (7 - wd) : d;
      w = wd >= 5 ? 0 : wd;
      r = start - weeks * 7 - rem - (w - rem < 0 ? 2 : 0);
    }
    r = fromDays(r);
    return r === null ? fail(x, "date") : r;
  };
  // Date::workday_index
  function workdayIndex(d) {
    var y = d + 3;
    return Math.floor(y / 7) * 5 + Math.min(mod7(y) + 1, 5);
  }
  R.workdaysBetween = function (a, b) {
    return a === null || b === null ? null : workdayIndex(b) - workdayIndex(a);
  };
  // Unicode scalar values, not UTF-16 units.
  R.len = function (s) {
    return s === null ? null : Array.from(s).length;
  };

  /* ---------- the regex subset: regex.rs's Pike VM on the same program ---------- */

  function addThread(prog, list, seen, pc, pos, len) {
    var stack = [pc];
    while (stack.length > 0) {
      pc = stack.pop();
      if (pc >= prog.length || seen[pc] === pos) continue;
      seen[pc] = pos;
      var ins = prog[pc];
      switch (ins[0]) {
        case 7: return true;
        case 4: stack.push(ins[1]); break;
        case 3: stack.push(ins[2]); stack.push(ins[1]); break;
        case 5: if (pos === 0) stack.push(pc + 1); break;
        case 6: if (pos === len) stack.push(pc + 1); break;
        default: list.push(pc);
      }
    }
    return false;
  }
  function isMatch(prog, text) {
    var chars = Array.from(text).map(function (c) { return c.codePointAt(0); });
    var seen = new Array(prog.length);
    for (var k = 0; k < prog.length; k++) seen[k] = -1;
    var clist = [], nlist = [];
    for (var pos = 0; pos <= chars.length; pos++) {
      if (addThread(prog, clist, seen, 0, pos, chars.length)) return true;
      if (pos === chars.length) break;
      var c = chars[pos];
      nlist = [];
      for (var i = 0; i < clist.length; i++) {
        var pc = clist[i], ins = prog[pc], ok = false;
        if (ins[0] === 0) ok = ins[1] === c;
        else if (ins[0] === 1) ok = c !== 10;
        else if (ins[0] === 2) {
          var inside = false;
          for (var r = 2; r < ins.length; r += 2) {
            if (ins[r] <= c && c <= ins[r + 1]) { inside = true; break; }
          }
          ok = inside !== (ins[1] === 1);
        }
        if (ok && addThread(prog, nlist, seen, pc + 1, pos + 1, chars.length)) return true;
      }
      clist = nlist;
    }
    return false;
  }
  R.matches = function (s, prog) {
    return s === null ? null : isMatch(prog, s);
  };
  R.isMatch = isMatch;

  /* ---------- formatting and JSON (value.rs, eval.rs) ---------- */

  var MONTHS = {
    "nl-nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
  };
  function formatDate(days, lang) {
    var t = ymd(days);
    var name = MONTHS[lang][t[1] - 1];
    return lang === "en" ? name + " " + t[2] + ", " + t[0] : t[2] + " " + name + " " + t[0];
  }
  R.formatDate = formatDate;

  // eval::format_value. `ty` is "b", "i", "t", "d", or the index of the
  // choice input whose option label to show.
  function formatValue(def, v, ty, lang) {
    if (v === null) return "\u2014";
    if (ty === "b") return lang === "en" ? (v ? "yes" : "no") : (v ? "ja" : "nee");
    if (ty === "i") return String(v);
    if (ty === "d") return formatDate(v, lang);
    if (typeof ty === "number") {
      var opts = def.inputs[ty].options;
      for (var i = 0; i < opts.length; i++) {
        if (opts[i].value === v) return opts[i].label[lang];
      }
    }
    return v;
  }
  R.formatValue = formatValue;

  // value::write_json_str
  function jstr(s) {
    var out = "\"";
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c === 34) out += "\\\"";
      else if (c === 92) out += "\\\\";
      else if (c === 10) out += "\\n";
      else if (c === 13) out += "\\r";
      else if (c === 9) out += "\\t";
      else if (c === 8) out += "\\b";
      else if (c === 12) out += "\\f";
      else if (c < 32) out += "\\u" + pad(c.toString(16), 4);
      else out += s[i];
    }
    return out + "\"";
  }
  function jval(v, ty) {
    if (v === null) return "null";
    if (ty === "b") return v ? "true" : "false";
    if (ty === "i") return String(v);
    if (ty === "d") return jstr(iso(v));
    return jstr(v);
  }
  function jbool(b) {
    return b === null ? "null" : b ? "true" : "false";
  }

  /* ---------- the evaluation (eval.rs's `evaluate`) ---------- */

  // Reads answers in the JSON shape of `tolk eval --answers`. The CLI refuses
  // bad answers; in the browser they come from the form, the URL or storage,
  // and anything that does not fit is dropped (unset).
  function readAnswers(def, answers) {
    var vals = [], steps = [];
    answers = answers && typeof answers === "object" ? answers : {};
    for (var i = 0; i < def.inputs.length; i++) {
      var inp = def.inputs[i];
      var a = Object.prototype.hasOwnProperty.call(answers, inp.id) ? answers[inp.id] : null;
      var v = null;
      if (inp.type === "choice") {
        for (var k = 0; k < inp.options.length; k++) if (inp.options[k].value === a) v = a;
      } else if (inp.type === "bool") {
        if (a === true || a === false) v = a;
      } else if (inp.type === "int") {
        if (typeof a === "number" && Number.isSafeInteger(a)) v = a === 0 ? 0 : a;
      } else if (inp.type === "text") {
        // A lone surrogate cannot come from Rust; drop it rather than differ.
        if (typeof a === "string" && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(a)) v = a;
      } else if (inp.type === "date") {
        v = parseIso(a);
      }
      vals.push(v);
    }
    var st = answers.steps && typeof answers.steps === "object" ? answers.steps : {};
    for (var j = 0; j < def.steps.length; j++) {
      var s = Object.prototype.hasOwnProperty.call(st, def.steps[j].id) ? st[def.steps[j].id] : null;
      steps.push(s === true || s === false ? s : null);
    }
    return { inputs: vals, steps: steps };
  }
  R.readAnswers = readAnswers;

  function inputTy(def, i) {
    var t = def.inputs[i].type;
    return t === "choice" ? i : t === "bool" ? "b" : t === "int" ? "i" : t === "date" ? "d" : "t";
  }

  function interpolate(def, parts, v, c, s, lang) {
    var out = "";
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i];
      if (typeof p === "string") { out += p; continue; }
      var src = p[0] === 0 ? v : p[0] === 1 ? c : s;
      var val = src[p[1]];
      out += formatValue(def, val === undefined ? null : val, p[2], lang);
    }
    return out;
  }

  // Evaluates; `today` is a day number or "YYYY-MM-DD"; `lang` is "nl-nl"
  // or "en". Returns the result as an object; `toJson` writes it.
  function evaluate(def, answers, today, lang) {
    lang = lang === "en" ? "en" : "nl-nl";
    var t = typeof today === "string" ? parseIso(today) : today;
    var a = readAnswers(def, answers);
    var v = [], c = [], s = [], x = { err: null };
    var res = { inputs: [], missing: [], computed: [], steps: [], outcomes: [], errors: [] };
    function item(id, fn) {
      x.err = null;
      var r = fn(v, c, s, t, x);
      if (x.err !== null) res.errors.push({ id: id, message: ERRORS[x.err][lang] });
      return r;
    }
    var i;
    for (i = 0; i < def.inputs.length; i++) {
      var inp = def.inputs[i];
      var visible = inp.when === null ? true : item(inp.id, inp.when) === true;
      var val = visible ? a.inputs[i] : null;
      // eval.rs: an answer that breaks its `valid` rule counts as unset.
      if (inp.valid && val !== null) {
        v.push(val);
        var ok = item(inp.id, inp.valid);
        v.pop();
        if (ok === false) {
          val = null;
          res.errors.push({ id: inp.id, message: inp.invalid[lang] });
        }
      }
      if (visible && val === null) res.missing.push(inp.id);
      v.push(val);
      res.inputs.push({ id: inp.id, visible: visible, value: val, ty: inputTy(def, i) });
    }
    for (i = 0; i < def.computed.length; i++) c.push(null);
    for (i = 0; i < def.order.length; i++) {
      var k = def.order[i];
      c[k] = item(def.computed[k].id, def.computed[k].expr);
    }
    for (i = 0; i < def.computed.length; i++) {
      res.computed.push({ id: def.computed[i].id, value: c[i], ty: def.computed[i].ty });
    }
    for (i = 0; i < def.steps.length; i++) {
      var st = def.steps[i];
      var vis = st.when === null ? true : item(st.id, st.when) === true;
      var done = vis ? a.steps[i] : null;
      s.push(done);
      res.steps.push({ id: st.id, visible: vis, done: done, message: null });
    }
    for (i = 0; i < def.outcomes.length; i++) {
      var o = def.outcomes[i];
      if (item(o.id, o.when) === true) {
        res.outcomes.push({ id: o.id, status: o.status, message: interpolate(def, o.message[lang], v, c, s, lang) });
      }
    }
    for (i = 0; i < def.steps.length; i++) {
      if (res.steps[i].done === false && def.steps[i].fail !== null) {
        res.steps[i].message = interpolate(def, def.steps[i].fail[lang], v, c, s, lang);
      }
    }
    return res;
  }
  R.evaluate = evaluate;

  // Evaluation::to_json, byte for byte.
  function toJson(res) {
    var o = "{\"inputs\":{", i;
    for (i = 0; i < res.inputs.length; i++) {
      var inp = res.inputs[i];
      o += (i ? "," : "") + jstr(inp.id) + ":{\"visible\":" + jbool(inp.visible) + ",\"value\":" + jval(inp.value, inp.ty) + "}";
    }
    o += "},\"missing\":[";
    for (i = 0; i < res.missing.length; i++) o += (i ? "," : "") + jstr(res.missing[i]);
    o += "],\"computed\":{";
    for (i = 0; i < res.computed.length; i++) {
      o += (i ? "," : "") + jstr(res.computed[i].id) + ":" + jval(res.computed[i].value, res.computed[i].ty);
    }
    o += "},\"steps\":[";
    for (i = 0; i < res.steps.length; i++) {
      var st = res.steps[i];
      o += (i ? "," : "") + "{\"id\":" + jstr(st.id) + ",\"visible\":" + jbool(st.visible) + ",\"done\":" + jbool(st.done) +
        ",\"message\":" + (st.message === null ? "null" : jstr(st.message)) + "}";
    }
    o += "],\"outcomes\":[";
    for (i = 0; i < res.outcomes.length; i++) {
      var oc = res.outcomes[i];
      o += (i ? "," : "") + "{\"id\":" + jstr(oc.id) + ",\"status\":" + jstr(oc.status) + ",\"message\":" + jstr(oc.message) + "}";
    }
    o += "],\"errors\":[";
    for (i = 0; i < res.errors.length; i++) {
      o += (i ? "," : "") + "{\"id\":" + jstr(res.errors[i].id) + ",\"message\":" + jstr(res.errors[i].message) + "}";
    }
    return o + "]}";
  }
  R.toJson = toJson;

  var registry = root.tolkChecklists || (root.tolkChecklists = {});
  // Called by the generated code of each checklist. Registering binds the
  // checklist's forms already in the page, so a form never depends on which
  // of the two scripts (this runtime, the page's checklists) ran first or on
  // a timer: the generated script is loaded after the form (deferred), and
  // DOMContentLoaded binds whatever is left.
  R.register = function (def) {
    registry[def.id] = {
      def: def,
      evaluate: function (answers, today, lang) { return evaluate(def, answers, today, lang); },
      evaluateJson: function (answers, today, lang) { return toJson(evaluate(def, answers, today, lang)); }
    };
    if (root.document && D) {
      Array.prototype.forEach.call(D.querySelectorAll.call(root.document, "form.tolk-checklist"), function (f) {
        if (f.getAttribute("data-checklist") === def.id) bind(f);
      });
    }
  };

  /* ---------- part 2: the form (html.rs renders it) ---------- */

  // The reader's local calendar date, as a day number. Reading the clock is
  // the only use of Date.
  function localToday() {
    var d = new Date();
    return fromYmd(d.getFullYear(), d.getMonth() + 1, d.getDate());
  }
  R.localToday = localToday;

  // Per checklist definition and per language: the other language's page
  // does not open silently pre-filled (a shared URL still carries answers,
  // and then the page says they were restored).
  function storageKey(data) {
    return "tolk-checklist:" + data.id + ":" + data.hash + ":" + data.lang;
  }
  function loadStored(data) {
    try {
      var s = root.localStorage && root.localStorage.getItem(storageKey(data));
      return s ? JSON.parse(s) : null;
    } catch (e) {
      return null;
    }
  }
  function store(data, answers) {
    try {
      if (root.localStorage) root.localStorage.setItem(storageKey(data), JSON.stringify(answers));
    } catch (e) { /* private mode or full: progress is not kept */ }
  }
  function unstore(data) {
    try {
      if (root.localStorage) root.localStorage.removeItem(storageKey(data));
    } catch (e) { /* nothing to do */ }
  }

  // Answers in the URL: `#cl-<id>=<JSON, URI-encoded>`, several joined by `&`.
  function hashParts() {
    var h = root.location.hash.replace(/^#/, "");
    return h ? h.split("&") : [];
  }
  function loadFromUrl(data) {
    var key = "cl-" + data.id + "=";
    var parts = hashParts();
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(key) === 0) {
        try {
          return JSON.parse(decodeURIComponent(parts[i].slice(key.length)));
        } catch (e) {
          return null;
        }
      }
    }
    return null;
  }
  function shareUrl(data, answers) {
    var key = "cl-" + data.id + "=";
    var parts = hashParts().filter(function (p) { return p.indexOf(key) !== 0 && p.indexOf("cl-") === 0; });
    if (answers) parts.push(key + encodeURIComponent(JSON.stringify(answers)));
    var base = root.location.href.replace(/#.*$/, "");
    return parts.length ? base + "#" + parts.join("&") : base;
  }
  function setUrl(url) {
    try {
      if (root.history && root.history.replaceState) root.history.replaceState(null, "", url);
    } catch (e) { /* file:// and sandboxes may refuse */ }
  }

  // DOM clobbering: a named element replaces a method of the same name on
  // `document` (and a form control on its form), but not on the
  // prototypes, so the DOM is only ever called through them.
  var E = root.Element ? root.Element.prototype : null;
  var D = root.Document ? root.Document.prototype : null;
  function q(form, sel) {
    return E.querySelector.call(form, sel);
  }
  function qa(form, sel) {
    return Array.prototype.slice.call(E.querySelectorAll.call(form, sel));
  }
  function make(tag) {
    return D.createElement.call(root.document, tag);
  }
  function text(s) {
    return D.createTextNode.call(root.document, s);
  }

  // The answers as the form's controls hold them.
  function readForm(form, data) {
    var answers = {}, steps = {};
    data.inputs.forEach(function (inp) {
      var field = q(form, "[data-input=\"" + inp.id + "\"]");
      if (!field) return;
      var v = null, invalid = false;
      if (inp.type === "choice" || inp.type === "bool") {
        var sel = field.querySelector("select");
        var raw = null;
        if (sel) raw = sel.value === "" ? null : sel.value;
        else {
          var checked = field.querySelector("input:checked");
          raw = checked ? checked.value : null;
        }
        v = inp.type === "bool" ? (raw === "true" ? true : raw === "false" ? false : null) : raw;
      } else {
        var el = field.querySelector("input");
        var s = el ? el.value : "";
        if (inp.type === "int") {
          s = s.trim();
          v = s === "" ? null : parseIntAnswer(s);
          invalid = s !== "" && v === null;
        } else if (inp.type === "date") {
          v = s === "" ? null : (parseIso(s) === null ? null : s);
          // An impossible typed date (02/29/2023) leaves the value empty
          // and sets badInput: it is an error, not an empty answer.
          invalid = (s !== "" && v === null) || !!(el && el.validity && el.validity.badInput);
        } else {
          v = s === "" ? null : s;
        }
        if (el) el.setAttribute("aria-invalid", invalid ? "true" : "false");
        var err = field.querySelector(".checklist-field-error");
        if (err) {
          err.textContent = invalid ? (data.ui.invalid[inp.type] || "") : "";
          err.hidden = !invalid;
        }
      }
      if (v !== null) answers[inp.id] = v;
    });
    data.steps.forEach(function (st) {
      var li = q(form, "[data-step=\"" + st.id + "\"]");
      if (!li) return;
      var mark = li.querySelector("[data-mark]:checked");
      var m = mark ? mark.getAttribute("data-mark") : "open";
      if (m === "done") steps[st.id] = true;
      else if (m === "fail") steps[st.id] = false;
    });
    if (Object.keys(steps).length) answers.steps = steps;
    return answers;
  }

  function writeForm(form, data, answers) {
    answers = answers || {};
    data.inputs.forEach(function (inp) {
      var field = q(form, "[data-input=\"" + inp.id + "\"]");
      if (!field) return;
      var v = Object.prototype.hasOwnProperty.call(answers, inp.id) ? answers[inp.id] : null;
      var sel = field.querySelector("select");
      if (sel) {
        sel.value = v === null ? "" : String(v);
        return;
      }
      var radios = field.querySelectorAll("input[type=radio]");
      if (radios.length) {
        Array.prototype.forEach.call(radios, function (r) { r.checked = v !== null && r.value === String(v); });
        return;
      }
      var el = field.querySelector("input");
      if (el) el.value = v === null || v === undefined ? "" : String(v);
    });
    var st = answers.steps || {};
    data.steps.forEach(function (s) {
      var li = q(form, "[data-step=\"" + s.id + "\"]");
      if (!li) return;
      var m = st[s.id] === true ? "done" : st[s.id] === false ? "fail" : "open";
      Array.prototype.forEach.call(li.querySelectorAll("[data-mark]"), function (r) {
        r.checked = r.getAttribute("data-mark") === m;
      });
    });
  }

  function render(form, data, def, res) {
    var lang = data.lang, failed = 0;
    // An answer that breaks its `valid` rule: the message at the field.
    var invalid = {};
    res.errors.forEach(function (e) {
      def.inputs.forEach(function (inp) { if (inp.id === e.id && inp.valid) invalid[e.id] = e.message; });
    });
    res.inputs.forEach(function (r) {
      var field = q(form, "[data-input=\"" + r.id + "\"]");
      if (!field) return;
      field.hidden = !r.visible;
      var err = field.querySelector(".checklist-field-error");
      var el = field.querySelector("input, select");
      if (!err) return;
      if (Object.prototype.hasOwnProperty.call(invalid, r.id)) {
        err.textContent = invalid[r.id];
        err.hidden = false;
        if (el) el.setAttribute("aria-invalid", "true");
      } else if (!el || el.getAttribute("aria-invalid") !== "true") {
        err.textContent = "";
        err.hidden = true;
      }
    });
    res.computed.forEach(function (r, i) {
      var dd = q(form, "[data-computed=\"" + r.id + "\"]");
      if (dd) dd.textContent = formatValue(def, r.value, def.computed[i].ty, lang);
      var row = q(form, "[data-computed-row=\"" + r.id + "\"]");
      if (row) row.hidden = r.value === null;
    });
    var box = q(form, ".checklist-steps");
    if (box) box.hidden = !res.steps.some(function (r) { return r.visible; });
    res.steps.forEach(function (r) {
      var li = q(form, "[data-step=\"" + r.id + "\"]");
      if (!li) return;
      li.hidden = !r.visible;
      var msg = li.querySelector(".checklist-step-message");
      if (msg) {
        msg.textContent = r.message || "";
        msg.hidden = !r.message;
      }
    });
    var list = q(form, ".checklist-outcomes");
    if (list) {
      while (list.firstChild) list.removeChild(list.firstChild);
      res.outcomes.forEach(function (o) {
        var li = make("li");
        li.className = "checklist-outcome checklist-" + o.status;
        li.setAttribute("data-outcome", o.id);
        var badge = make("strong");
        badge.textContent = data.ui.status[o.status] + ": ";
        li.appendChild(badge);
        li.appendChild(text(o.message));
        var link = null;
        data.outcomes.forEach(function (d) { if (d.id === o.id) link = d.link; });
        if (link) {
          var a = make("a");
          a.className = "checklist-link";
          a.href = link.href;
          a.textContent = link.text;
          li.appendChild(text(" "));
          li.appendChild(a);
        }
        list.appendChild(li);
      });
      res.errors.forEach(function (e) {
        if (Object.prototype.hasOwnProperty.call(invalid, e.id)) return; // shown at the field
        var li = make("li");
        li.className = "checklist-outcome checklist-error";
        li.textContent = e.message;
        list.appendChild(li);
      });
      // A step marked not met is part of the result, numbered as the
      // reader sees it (hidden steps do not count).
      var n = 0;
      res.steps.forEach(function (r, i) {
        if (!r.visible) return;
        n++;
        if (r.done !== false) return;
        failed++;
        var li = make("li");
        li.className = "checklist-outcome checklist-fail";
        li.setAttribute("data-step-failed", r.id);
        var badge = make("strong");
        badge.textContent = data.ui.stepNotMet.replace("{n}", String(n)) + ": ";
        li.appendChild(badge);
        li.appendChild(text(data.steps[i].label + (r.message ? " \u2014 " + r.message : "")));
        list.appendChild(li);
      });
    }
    var none = q(form, ".checklist-no-outcome");
    if (none) none.hidden = res.outcomes.length + res.errors.length + failed > 0;
  }

  // The answers and outcomes as plain text, for a support request.
  function summary(form, data, def, res) {
    var lang = data.lang, lines = [data.title, ""];
    res.inputs.forEach(function (r, i) {
      if (!r.visible) return;
      lines.push(data.inputs[i].label + ": " + (r.value === null ? "\u2014" : formatValue(def, r.value, r.ty, lang)));
    });
    res.computed.forEach(function (r, i) {
      if (data.computed[i].label && r.value !== null) lines.push(data.computed[i].label + ": " + formatValue(def, r.value, def.computed[i].ty, lang));
    });
    var steps = res.steps.filter(function (r) { return r.visible; });
    if (steps.length) lines.push("");
    steps.forEach(function (r) {
      var label = "";
      data.steps.forEach(function (s) { if (s.id === r.id) label = s.label; });
      lines.push((r.done === true ? "[x] " : r.done === false ? "[!] " : "[ ] ") + label + (r.message ? " \u2014 " + r.message : ""));
    });
    if (res.outcomes.length) lines.push("");
    res.outcomes.forEach(function (o) { lines.push(data.ui.status[o.status] + ": " + o.message); });
    res.errors.forEach(function (e) { lines.push(e.message); });
    lines.push("", root.location.href);
    return lines.join("\n");
  }

  function copyText(text, done) {
    if (root.navigator && root.navigator.clipboard && root.navigator.clipboard.writeText) {
      root.navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
    } else {
      done(fallbackCopy(text));
    }
  }
  function fallbackCopy(text) {
    var doc = root.document, ta = make("textarea");
    var body = Object.getOwnPropertyDescriptor(D, "body").get.call(doc);
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = D.execCommand.call(doc, "copy"); } catch (e) { ok = false; }
    body.removeChild(ta);
    return ok;
  }

  // The answers that count: those of visible questions and steps. Hidden
  // questions' answers are never stored nor put in the URL.
  function visibleOnly(answers, res) {
    var out = {}, steps = {};
    res.inputs.forEach(function (r) {
      if (r.visible && Object.prototype.hasOwnProperty.call(answers, r.id)) out[r.id] = answers[r.id];
    });
    var st = answers.steps || {};
    res.steps.forEach(function (r) {
      if (r.visible && Object.prototype.hasOwnProperty.call(st, r.id)) steps[r.id] = st[r.id];
    });
    if (Object.keys(steps).length) out.steps = steps;
    return out;
  }

  // Binds a form once; a form whose checklist is not registered yet is
  // left for `register` to bind.
  function bind(form) {
    if (form.getAttribute("data-bound") === "true") return;
    var script = form.querySelector("script.checklist-data");
    if (!script) return;
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    var entry = registry[data.id];
    if (!entry) return;
    form.setAttribute("data-bound", "true");
    var def = entry.def;
    var today = localToday();
    var res;
    var notice = q(form, ".checklist-restored");
    function update(save) {
      var all = readForm(form, data);
      res = evaluate(def, all, today, data.lang);
      var answers = visibleOnly(all, res);
      render(form, data, def, res);
      if (save) {
        if (notice) notice.hidden = true;
        store(data, answers);
        setUrl(shareUrl(data, Object.keys(answers).length ? answers : null));
      }
      return answers;
    }
    // A reader may answer before the form is live (the form is plain
    // HTML; this script comes later, on a slow line seconds later): those
    // answers are the reader's latest word, kept and saved. Restoring
    // over them wiped them with no sign.
    // They are laid over what is restored, not put in its place: one early
    // click must not cost a returning reader the other saved answers.
    var early = readForm(form, data);
    var answeredEarly = Object.keys(early).length > 0;
    var restored = loadFromUrl(data) || loadStored(data) || {};
    var restoredAny = Object.keys(restored).length > 0;
    if (answeredEarly) {
      var merged = {};
      Object.keys(restored).forEach(function (k) { merged[k] = restored[k]; });
      Object.keys(early).forEach(function (k) { if (k !== "steps") merged[k] = early[k]; });
      var steps = {};
      [restored.steps || {}, early.steps || {}].forEach(function (st) {
        Object.keys(st).forEach(function (k) { steps[k] = st[k]; });
      });
      if (Object.keys(steps).length) merged.steps = steps;
      else delete merged.steps;
      writeForm(form, data, merged);
    } else {
      writeForm(form, data, restored);
    }
    var kept = update(answeredEarly);
    if (notice) notice.hidden = !restoredAny || Object.keys(kept).length === 0;
    // "Today" is read again when the reader comes back to the page: a page
    // left open past midnight does not keep yesterday's deadlines.
    function refreshToday() {
      var now = localToday();
      if (now !== today) {
        today = now;
        update(false);
      }
    }
    root.addEventListener("focus", refreshToday);
    if (root.document) root.document.addEventListener("visibilitychange", function () {
      if (root.document.visibilityState === "visible") refreshToday();
    });
    form.addEventListener("change", function (ev) {
      update(true);
    });
    form.addEventListener("input", function () { update(true); });
    // A date field left with an impossible date may send no input event
    // (its value stays empty): check it when the reader leaves it.
    form.addEventListener("focusout", function () { update(false); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    // A shared link to this page, opened where the page already is (only
    // the fragment changes, so the page does not load again): its answers
    // are shown. They were in the address bar while the form stayed as
    // it was.
    root.addEventListener("hashchange", function () {
      var fromUrl = loadFromUrl(data);
      if (!fromUrl) return;
      writeForm(form, data, fromUrl);
      update(true);
    });
    qa(form, "[data-action=reset]").forEach(function (reset) {
      reset.addEventListener("click", function () {
        writeForm(form, data, {});
        unstore(data);
        update(false);
        if (notice) notice.hidden = true;
        setUrl(shareUrl(data, null));
      });
    });
    var copy = q(form, "[data-action=copy]");
    var status = q(form, ".checklist-copy-status");
    if (copy) copy.addEventListener("click", function () {
      copyText(summary(form, data, def, res), function (ok) {
        if (status) status.textContent = ok ? data.ui.copied : data.ui.copyFailed;
      });
    });
    form.classList.add("checklist-live");
  }
  R.bindAll = function () {
    Array.prototype.forEach.call(D.querySelectorAll.call(root.document, "form.tolk-checklist"), bind);
  };

  root.tolkChecklistRuntime = R;
  if (root.document) {
    if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", R.bindAll);
    else R.bindAll();
  }
  if (typeof module === "object" && module.exports) module.exports = R;
})(typeof globalThis !== "undefined" ? globalThis : this);
