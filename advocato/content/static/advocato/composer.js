// Live length counters for the share composer, a progressive enhancement: the form is checked
// on the server either way. Each <textarea data-network="x" data-limit="280" data-counter="id">
// shows "123 / 280" in the element with that id, which gets the class "over" past the limit.
// The counting rules are those of advocato/content/networks.py; change both together
// (tests/test_networks.py runs this file against the Python when Node is installed).
(function () {
  "use strict";

  var SHORT_URL_LENGTH = 23; // X and Mastodon count every link as a t.co-sized one
  var TLDS = (
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo " +
    "bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk " +
    "dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq " +
    "gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki " +
    "km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo " +
    "mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk " +
    "pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss " +
    "st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc " +
    "ve vg vi vn vu wf ws ye yt za zm zw " +
    "com org net edu gov mil int info biz name pro mobi asia app dev io ai blog shop store " +
    "online site tech cloud news media agency company email digital global group live today " +
    "world xyz art design network solutions systems page link click"
  ).split(" ").sort(function (a, b) { return b.length - a.length; }).join("|");

  // A link: with http(s):// any host, without it only a known top-level domain ("e.g." is not).
  var URL_RE = new RegExp(
    "(?<![\\p{L}\\p{N}_@/.-])" +
    "(?:https?://[^\\s/?#<>()\"']+" +
    "|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,8}(?:" + TLDS + ")(?![\\p{L}\\p{N}-])" +
    "(?::\\d{1,5})?)" +
    "(?:[/?#](?:[^\\s<>()]|\\([^\\s<>()]*\\))*)?" +
    "(?<![.,;:!?'\"*\\]])",
    "giu"
  );
  // One emoji however many code points: flag, keycap, or picture with skin tone, tags and ZWJ.
  var EMOJI_RE = new RegExp(
    "\\p{Regional_Indicator}{2}|[0-9#*]\\uFE0F?\\u20E3" +
    "|(?:\\p{Emoji_Presentation}|\\p{Extended_Pictographic}\\uFE0F)\\p{Emoji_Modifier}?" +
    "[\\u{E0020}-\\u{E007F}]*(?:\\u200D\\p{Extended_Pictographic}\\uFE0F?\\p{Emoji_Modifier}?)*",
    "gu"
  );
  var MENTION_RE = /(^|[^/A-Za-z0-9_])@([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]+/giu;
  // twitter-text v3: these code points weigh 1, everything else 2.
  var X_LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];

  function codePoints(text) { return Array.from(text).length; }
  function weighCodePoints(text) {
    var total = 0;
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      total += X_LIGHT.some(function (r) { return cp >= r[0] && cp <= r[1]; }) ? 1 : 2;
    }
    return total;
  }

  // Weigh the text between matches of `re` with `between`, and each match with `each`.
  function weighPieces(text, re, each, between) {
    var total = 0, position = 0;
    text.replace(re, function (match) {
      var offset = arguments[arguments.length - 2];
      total += between(text.slice(position, offset)) + each(match);
      position = offset + match.length;
      return match;
    });
    return total + between(text.slice(position));
  }

  function weighX(text) {
    return weighPieces(text, EMOJI_RE, function () { return 2; }, weighCodePoints);
  }

  var counters = {
    x: function (text) {
      var nfc = text.normalize("NFC");
      return weighPieces(nfc, URL_RE, function () { return SHORT_URL_LENGTH; }, weighX);
    },
    mastodon: function (text, urlLength) {
      var shortened = text.replace(URL_RE, function (url) {
        return /^https?:\/\//i.test(url) ? "x".repeat(urlLength || SHORT_URL_LENGTH) : url;
      });
      return codePoints(shortened.replace(MENTION_RE, "$1@$2"));
    },
    bluesky: function (text) {
      if (typeof Intl !== "undefined" && Intl.Segmenter) {
        var graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
        return Array.from(graphemes.segment(text)).length;
      }
      return codePoints(text); // older browsers: close enough, the server counts graphemes
    }
  };
  // LinkedIn, Facebook, Instagram: code points after NFC, as networks.py explains.
  counters.linkedin = counters.facebook = counters.instagram = function (text) {
    return codePoints(text.normalize("NFC"));
  };

  // urlLength: what a link counts on the advocate's own Mastodon server (data-url-length).
  function count(network, text, urlLength) {
    var counter = counters[network];
    if (!counter) { throw new Error("Unknown network: " + network); }
    return counter(text || "", urlLength);
  }

  globalThis.advocatoComposer = { count: count }; // for tests/test_networks.py, run in Node
  if (typeof document === "undefined") { return; }

  function wire(area) {
    var display = document.getElementById(area.dataset.counter || "");
    var limit = parseInt(area.dataset.limit, 10);
    if (!display || !counters[area.dataset.network] || !limit) { return; }
    var update = function () {
      var length = count(area.dataset.network, area.value,
        parseInt(area.dataset.urlLength, 10) || undefined);
      display.textContent = length + " / " + limit;
      display.classList.toggle("over", length > limit);
    };
    area.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("textarea[data-network][data-counter]").forEach(wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
