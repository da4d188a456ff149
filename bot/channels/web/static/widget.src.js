/*!
 * Ecoute chat widget — speaks the Rasa socket.io protocol.
 * Served by the gateway at /widget.js, after the vendored socket.io client (global `io`).
 *
 * Embed:  <script src="https://…/widget.js" data-token="<signed link token>" data-lang="fr"></script>
 * Or:     window.EcouteWidget.init({ token, lang, container })
 *
 * Events:  emit  session_request {session_id}            → on session_confirm (id | {session_id})
 *          emit  user_uttered {message, session_id, customData:{token, client_msg_id, lang}}
 *          on    bot_uttered {text, quick_replies|buttons, metadata:{author, message_id}}
 * Vanilla ES2017, no build step. The only global it defines is window.EcouteWidget.
 */
(function () {
  "use strict";

  // Taken now: the vendored client just set it, and nothing else may have replaced it yet.
  var ioFactory = typeof window.io === "function" ? window.io : null;
  var currentScript = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-token]') ||
    document.querySelector('script[src*="widget.js"]');

  var VERSION = "1.0.0";
  var TYPING_MAX_MS = 20000;
  var ACK_TIMEOUT_MS = 20000;
  var MAX_TRANSCRIPT = 300;
  var MAX_TEXT_LENGTH = 2000;

  var STRINGS = {
    fr: {
      header: "Assistant automatisé",
      subheader: "Réponses automatiques, un conseiller peut prendre le relais",
      placeholder: "Écrivez votre message…",
      inputLabel: "Votre message",
      send: "Envoyer",
      open: "Ouvrir la discussion",
      close: "Réduire la discussion",
      unread: function (n) { return n === 1 ? "1 nouveau message" : n + " nouveaux messages"; },
      agent: "Conseiller",
      bot: "Assistant",
      you: "Vous",
      system: "Information",
      typing: "L'assistant écrit…",
      reconnecting: "Reconnexion…",
      connecting: "Connexion…",
      pending: "En attente d'envoi",
      suggestions: "Réponses proposées",
      log: "Conversation",
      colon: " : ",
      unavailable: "La discussion n'est pas disponible pour le moment.",
    },
    en: {
      header: "Automated assistant",
      subheader: "Automatic replies, an adviser can take over",
      placeholder: "Type your message…",
      inputLabel: "Your message",
      send: "Send",
      open: "Open the chat",
      close: "Minimise the chat",
      unread: function (n) { return n === 1 ? "1 new message" : n + " new messages"; },
      agent: "Adviser",
      bot: "Assistant",
      you: "You",
      system: "Notice",
      typing: "The assistant is typing…",
      reconnecting: "Reconnecting…",
      connecting: "Connecting…",
      pending: "Waiting to be sent",
      suggestions: "Suggested replies",
      log: "Conversation",
      colon: ": ",
      unavailable: "The chat is not available right now.",
    },
  };

  var CSS = [
    "#ecoute-widget{--ecoute-accent:#1d5c4d;--ecoute-accent-ink:#ffffff;--ecoute-ink:#1f2523;",
    "--ecoute-muted:#5d6764;--ecoute-line:#dfe4e2;--ecoute-bg:#ffffff;--ecoute-soft:#f1f4f3;",
    "--ecoute-agent:#fbf3e4;position:fixed;right:20px;bottom:20px;z-index:2147483000;",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;",
    "color:var(--ecoute-ink);text-align:left;letter-spacing:normal;}",
    "#ecoute-widget *,#ecoute-widget *::before,#ecoute-widget *::after{box-sizing:border-box;}",
    "#ecoute-widget [hidden]{display:none !important;}",
    "#ecoute-widget .ecoute-sr{position:absolute !important;width:1px;height:1px;padding:0;",
    "margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0;}",
    "#ecoute-widget button,#ecoute-widget textarea{font:inherit;color:inherit;margin:0;}",
    "#ecoute-widget :focus-visible{outline:3px solid #f0b429;outline-offset:2px;}",
    // launcher
    "#ecoute-widget #ecoute-launcher{position:relative;display:flex;align-items:center;justify-content:center;",
    "width:58px;height:58px;margin-left:auto;border:0;border-radius:50%;cursor:pointer;",
    "background:var(--ecoute-accent);color:var(--ecoute-accent-ink);",
    "box-shadow:0 6px 20px rgba(0,0,0,.22);transition:transform .15s ease;}",
    "#ecoute-widget #ecoute-launcher:hover{transform:scale(1.05);}",
    "#ecoute-widget #ecoute-launcher svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2;",
    "stroke-linecap:round;stroke-linejoin:round;}",
    "#ecoute-widget .ecoute-badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;",
    "padding:0 6px;border-radius:10px;background:#c0392b;color:#fff;font-size:12px;",
    "font-weight:700;line-height:20px;text-align:center;}",
    // panel
    "#ecoute-widget .ecoute-panel{position:absolute;right:0;bottom:72px;width:360px;height:520px;",
    "max-width:calc(100vw - 40px);max-height:calc(100vh - 112px);display:flex;",
    "flex-direction:column;overflow:hidden;background:var(--ecoute-bg);",
    "border:1px solid var(--ecoute-line);border-radius:14px;",
    "box-shadow:0 12px 40px rgba(0,0,0,.18);}",
    "#ecoute-widget .ecoute-header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;",
    "background:var(--ecoute-accent);color:var(--ecoute-accent-ink);}",
    "#ecoute-widget .ecoute-title{flex:1;min-width:0;}",
    "#ecoute-widget .ecoute-title h2{margin:0;font-size:16px;font-weight:650;line-height:1.3;",
    "color:inherit;}",
    "#ecoute-widget .ecoute-title p{margin:2px 0 0;font-size:12px;opacity:.85;line-height:1.3;}",
    "#ecoute-widget .ecoute-close{flex:none;width:34px;height:34px;border:0;border-radius:8px;",
    "background:transparent;color:inherit;cursor:pointer;display:flex;align-items:center;",
    "justify-content:center;}",
    "#ecoute-widget .ecoute-close:hover{background:rgba(255,255,255,.15);}",
    "#ecoute-widget .ecoute-close svg{width:20px;height:20px;fill:none;stroke:currentColor;",
    "stroke-width:2.2;stroke-linecap:round;}",
    "#ecoute-widget .ecoute-scroll{flex:1;min-height:0;overflow-y:auto;padding:14px 12px 6px;",
    "background:var(--ecoute-bg);overscroll-behavior:contain;}",
    "#ecoute-widget #ecoute-messages{display:flex;flex-direction:column;gap:8px;margin:0;padding:0;}",
    // messages
    "#ecoute-widget .ecoute-msg{display:flex;flex-direction:column;max-width:86%;}",
    "#ecoute-widget .ecoute-bubble{padding:9px 12px;border-radius:14px;white-space:pre-wrap;",
    "overflow-wrap:anywhere;word-break:normal;}",
    "#ecoute-widget .ecoute-bubble a{color:inherit;text-decoration:underline;}",
    "#ecoute-widget .ecoute-bot,#ecoute-widget .ecoute-agent{align-self:flex-start;}",
    "#ecoute-widget .ecoute-bot .ecoute-bubble{background:var(--ecoute-soft);",
    "border-bottom-left-radius:4px;}",
    "#ecoute-widget .ecoute-agent .ecoute-bubble{background:var(--ecoute-agent);",
    "border:1px solid #efdcb8;border-bottom-left-radius:4px;}",
    "#ecoute-widget .ecoute-label{font-size:12px;font-weight:650;color:#8a5a12;margin:0 0 3px 4px;}",
    "#ecoute-widget .ecoute-user{align-self:flex-end;align-items:flex-end;}",
    "#ecoute-widget .ecoute-user .ecoute-bubble{background:var(--ecoute-accent);",
    "color:var(--ecoute-accent-ink);border-bottom-right-radius:4px;}",
    "#ecoute-widget .ecoute-user.ecoute-pending .ecoute-bubble{opacity:.6;}",
    "#ecoute-widget .ecoute-note{font-size:11px;color:var(--ecoute-muted);margin:2px 4px 0;}",
    "#ecoute-widget .ecoute-system{align-self:center;max-width:94%;text-align:center;}",
    "#ecoute-widget .ecoute-system .ecoute-bubble{padding:4px 8px;background:transparent;",
    "color:var(--ecoute-muted);font-size:13px;font-style:italic;}",
    // quick replies
    "#ecoute-widget .ecoute-buttons{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px;}",
    "#ecoute-widget .ecoute-button{padding:6px 12px;border:1.5px solid var(--ecoute-accent);",
    "border-radius:16px;background:#fff;color:var(--ecoute-accent);cursor:pointer;",
    "font-size:14px;line-height:1.3;text-align:left;}",
    "#ecoute-widget .ecoute-button:hover:not(:disabled){background:var(--ecoute-soft);}",
    "#ecoute-widget .ecoute-button:disabled{cursor:default;border-color:var(--ecoute-line);",
    "color:var(--ecoute-muted);background:#fff;}",
    "#ecoute-widget .ecoute-button.ecoute-chosen:disabled{background:var(--ecoute-accent);",
    "border-color:var(--ecoute-accent);color:var(--ecoute-accent-ink);opacity:.75;}",
    // typing, status, form
    "#ecoute-widget #ecoute-typing{display:flex;gap:4px;align-items:center;width:max-content;margin:8px 0 4px;",
    "padding:11px 13px;border-radius:14px;border-bottom-left-radius:4px;",
    "background:var(--ecoute-soft);}",
    "#ecoute-widget #ecoute-typing .ecoute-dot{width:7px;height:7px;border-radius:50%;background:#8d9793;",
    "animation:ecoute-blink 1.2s infinite ease-in-out;}",
    "#ecoute-widget #ecoute-typing .ecoute-dot:nth-child(2){animation-delay:.2s;}",
    "#ecoute-widget #ecoute-typing .ecoute-dot:nth-child(3){animation-delay:.4s;}",
    "@keyframes ecoute-blink{0%,80%,100%{opacity:.3;transform:translateY(0);}",
    "40%{opacity:1;transform:translateY(-3px);}}",
    "#ecoute-widget #ecoute-status{min-height:0;padding:0 14px;font-size:12px;color:var(--ecoute-muted);",
    "background:var(--ecoute-bg);}",
    "#ecoute-widget #ecoute-status:not(:empty){padding:4px 14px;border-top:1px solid var(--ecoute-line);",
    "background:#fff8e6;color:#7a5b12;}",
    "#ecoute-widget .ecoute-form{display:flex;align-items:flex-end;gap:8px;padding:10px;",
    "border-top:1px solid var(--ecoute-line);background:var(--ecoute-bg);}",
    "#ecoute-widget #ecoute-input{flex:1;min-width:0;min-height:40px;max-height:120px;resize:none;",
    "padding:9px 12px;border:1px solid #c9d1ce;border-radius:10px;background:#fff;",
    "line-height:1.4;font-size:15px;}",
    "#ecoute-widget #ecoute-input:focus{border-color:var(--ecoute-accent);outline:none;",
    "box-shadow:0 0 0 3px rgba(29,92,77,.2);}",
    "#ecoute-widget #ecoute-send{flex:none;height:40px;padding:0 14px;border:0;border-radius:10px;",
    "background:var(--ecoute-accent);color:var(--ecoute-accent-ink);font-weight:600;",
    "cursor:pointer;}",
    "#ecoute-widget #ecoute-send:hover{filter:brightness(1.1);}",
    // embedded in a container
    "#ecoute-widget.ecoute-inline{position:relative;right:auto;bottom:auto;z-index:auto;",
    "width:100%;height:100%;min-height:420px;}",
    "#ecoute-widget.ecoute-inline #ecoute-launcher{display:none;}",
    "#ecoute-widget.ecoute-inline .ecoute-panel{position:relative;bottom:auto;width:100%;",
    "height:100%;max-width:none;max-height:none;box-shadow:none;}",
    // small screens: the open panel takes the whole screen
    "@media (max-width:480px){#ecoute-widget:not(.ecoute-inline){right:12px;bottom:12px;}",
    "#ecoute-widget:not(.ecoute-inline) .ecoute-panel{position:fixed;top:0;right:0;bottom:0;left:0;width:100%;",
    "height:100%;max-width:none;max-height:none;border:0;border-radius:0;}",
    "#ecoute-widget.ecoute-open:not(.ecoute-inline) #ecoute-launcher{display:none;}",
    "#ecoute-widget #ecoute-input{font-size:16px;}}",
    "@media (prefers-reduced-motion:reduce){#ecoute-widget #ecoute-typing .ecoute-dot{animation:none;opacity:.7;}",
    "#ecoute-widget #ecoute-launcher{transition:none;}}",
  ].join("\n");

  // --- small helpers ------------------------------------------------------------------------

  function pickLang(value) {
    var lang = String(value || "").trim().toLowerCase().slice(0, 2);
    return STRINGS[lang] ? lang : "fr";
  }

  /** cyrb53: a short stable hash, so storage keys do not carry the token itself. */
  function hash(text) {
    var h1 = 0xdeadbeef;
    var h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
  }

  function uuid4() {
    var c = window.crypto || window.msCrypto;
    if (c && typeof c.randomUUID === "function") {
      return c.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === "function") {
      c.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /** sessionStorage, or memory when the browser refuses it (private mode, blocked storage). */
  var memoryStore = {};
  var store = {
    get: function (key, fallback) {
      var raw = null;
      try {
        raw = window.sessionStorage.getItem(key);
      } catch (e) {
        raw = Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : null;
      }
      if (raw === null || raw === undefined) return fallback;
      try {
        return JSON.parse(raw);
      } catch (e) {
        return fallback;
      }
    },
    set: function (key, value) {
      var raw = JSON.stringify(value);
      try {
        window.sessionStorage.setItem(key, raw);
      } catch (e) {
        memoryStore[key] = raw;
      }
    },
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "className") node.className = value;
        else if (name === "text") node.textContent = value;
        else node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  function icon(paths) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }
  var CHAT_ICON = ["M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"];
  var CLOSE_ICON = ["M6 6l12 12", "M18 6L6 18"];
  var MINIMISE_ICON = ["M6 9l6 6 6-6"];

  /** Appends text to a node as text nodes, with http(s) addresses as safe links. */
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;
  function appendText(node, text) {
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var href = match[0].replace(/[.,;:!?)\]]+$/, "");
      if (match.index > last) node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = href;
      link.textContent = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      node.appendChild(link);
      last = match.index + href.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  }

  function normaliseButtons(list) {
    if (!Array.isArray(list)) return [];
    return list.map(function (b) {
      if (!b || typeof b !== "object") return null;
      var title = b.title !== undefined && b.title !== null ? String(b.title) : "";
      var payload = b.payload !== undefined && b.payload !== null ? String(b.payload) : title;
      if (!title && !payload) return null;
      return { title: title || payload, payload: payload || title };
    }).filter(Boolean);
  }

  function injectStyle() {
    if (document.getElementById("ecoute-widget-style")) return;
    var style = document.createElement("style");
    style.id = "ecoute-widget-style";
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  function resolveContainer(container) {
    if (!container) return null;
    if (typeof container === "string") return document.querySelector(container);
    return container.nodeType === 1 ? container : null;
  }

  // --- the widget ---------------------------------------------------------------------------

  function Widget(options) {
    this.token = options.token ? String(options.token) : "";
    this.lang = pickLang(options.lang);
    this.t = STRINGS[this.lang];
    this.server = options.server || defaultServer();
    this.container = resolveContainer(options.container);
    this.inline = !!this.container && this.container !== document.body;
    var key = this.token ? hash(this.token) : "anonymous";
    this.keys = {
      session: "ecoute.session." + key,
      transcript: "ecoute.transcript." + key,
      queue: "ecoute.queue." + key,
      open: "ecoute.open." + key,
    };
    this.sessionId = store.get(this.keys.session, null);
    this.transcript = store.get(this.keys.transcript, []);
    if (!Array.isArray(this.transcript)) this.transcript = [];
    this.queue = store.get(this.keys.queue, []);
    if (!Array.isArray(this.queue)) this.queue = [];
    this.seen = {};
    var self = this;
    this.transcript.forEach(function (m) {
      if (m.mid) self.seen[m.mid] = true;
    });
    this.confirmed = false;
    this.sending = false;
    this.generation = 0;
    this.unread = 0;
    this.typingTimer = null;
    this.socket = null;
    this.destroyed = false;
    var storedOpen = store.get(this.keys.open, null);
    this.open = this.inline ? true :
      options.open !== undefined ? !!options.open :
        storedOpen !== null ? !!storedOpen : !!this.token;
    this.onOnline = function () {
      if (self.socket && !self.socket.connected) self.socket.connect();
    };
    this.build();
    this.restore();
    this.connect();
  }

  function defaultServer() {
    try {
      if (currentScript && currentScript.src) return new URL(currentScript.src, window.location.href).origin;
    } catch (e) { /* fall through */ }
    return window.location.origin;
  }

  Widget.prototype.build = function () {
    var t = this.t;
    var self = this;
    injectStyle();
    var old = document.getElementById("ecoute-widget");
    if (old && old.parentNode) old.parentNode.removeChild(old);

    this.badge = el("span", { className: "ecoute-badge", "aria-hidden": "true", hidden: true });
    this.launcher = el("button", {
      id: "ecoute-launcher", type: "button", "aria-controls": "ecoute-panel",
    }, [icon(CHAT_ICON), this.badge]);
    this.launcher.addEventListener("click", function () { self.toggle(); });

    var closeButton = el("button", {
      type: "button", className: "ecoute-close", "aria-label": t.close, title: t.close,
    }, [icon(this.inline ? MINIMISE_ICON : CLOSE_ICON)]);
    closeButton.hidden = this.inline;
    closeButton.addEventListener("click", function () {
      self.setOpen(false);
      self.launcher.focus();
    });
    var header = el("div", { className: "ecoute-header" }, [
      el("div", { className: "ecoute-title" }, [
        el("h2", { id: "ecoute-title", text: t.header }),
        el("p", { text: t.subheader }),
      ]),
      closeButton,
    ]);

    this.messages = el("div", {
      id: "ecoute-messages", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": t.log,
    });
    this.typing = el("div", { id: "ecoute-typing", hidden: true }, [
      el("span", { className: "ecoute-dot", "aria-hidden": "true" }),
      el("span", { className: "ecoute-dot", "aria-hidden": "true" }),
      el("span", { className: "ecoute-dot", "aria-hidden": "true" }),
      el("span", { className: "ecoute-sr", text: t.typing }),
    ]);
    this.scroller = el("div", { className: "ecoute-scroll" }, [this.messages, this.typing]);
    this.status = el("div", { id: "ecoute-status", role: "status", "aria-live": "polite" });

    this.input = el("textarea", {
      id: "ecoute-input", rows: 1, placeholder: t.placeholder, "aria-label": t.inputLabel,
      maxlength: MAX_TEXT_LENGTH, autocomplete: "off", enterkeyhint: "send",
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        self.submitInput();
      }
    });
    this.input.addEventListener("input", function () { self.autosize(); });
    this.sendButton = el("button", {
      id: "ecoute-send", type: "submit", text: t.send,
    });
    var form = el("form", { className: "ecoute-form", novalidate: true }, [
      el("label", { className: "ecoute-sr", for: "ecoute-input", text: t.inputLabel }),
      this.input,
      this.sendButton,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitInput();
    });

    this.panel = el("section", {
      id: "ecoute-panel", className: "ecoute-panel", role: "region",
      "aria-labelledby": "ecoute-title", lang: this.lang,
    }, [header, this.scroller, this.status, form]);
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !self.inline) {
        self.setOpen(false);
        self.launcher.focus();
      }
    });

    this.root = el("div", {
      id: "ecoute-widget", className: this.inline ? "ecoute-inline" : "", lang: this.lang,
    }, [this.panel, this.launcher]);
    (this.container || document.body).appendChild(this.root);
    window.addEventListener("online", this.onOnline);
    this.setOpen(this.open, true);
  };

  Widget.prototype.setOpen = function (open, initial) {
    this.open = !!open || this.inline;
    this.panel.hidden = !this.open;
    this.root.classList.toggle("ecoute-open", this.open);
    this.launcher.setAttribute("aria-expanded", this.open ? "true" : "false");
    if (this.open) this.unread = 0;
    this.updateLauncherLabel();
    if (!initial) store.set(this.keys.open, this.open);
    if (this.open) {
      this.scrollToEnd();
      if (!initial) this.input.focus();
    }
  };

  Widget.prototype.toggle = function () {
    this.setOpen(!this.open);
  };

  Widget.prototype.updateLauncherLabel = function () {
    var label = this.open ? this.t.close : this.t.open;
    if (!this.open && this.unread > 0) label += " (" + this.t.unread(this.unread) + ")";
    this.launcher.setAttribute("aria-label", label);
    this.launcher.title = label;
    this.badge.hidden = this.open || this.unread === 0;
    this.badge.textContent = this.unread > 9 ? "9+" : String(this.unread);
  };

  Widget.prototype.autosize = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight + 2, 120) + "px";
  };

  Widget.prototype.scrollToEnd = function () {
    var scroller = this.scroller;
    scroller.scrollTop = scroller.scrollHeight;
  };

  Widget.prototype.setStatus = function (text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  Widget.prototype.showTyping = function () {
    var self = this;
    clearTimeout(this.typingTimer);
    this.typing.hidden = false;
    this.scrollToEnd();
    this.typingTimer = setTimeout(function () { self.hideTyping(); }, TYPING_MAX_MS);
  };

  Widget.prototype.hideTyping = function () {
    clearTimeout(this.typingTimer);
    this.typingTimer = null;
    this.typing.hidden = true;
  };

  // --- transcript -----------------------------------------------------------------------------

  Widget.prototype.saveTranscript = function () {
    if (this.transcript.length > MAX_TRANSCRIPT) {
      this.transcript = this.transcript.slice(this.transcript.length - MAX_TRANSCRIPT);
      this.messages.textContent = "";
      this.restore();
    }
    store.set(this.keys.transcript, this.transcript);
  };

  Widget.prototype.saveQueue = function () {
    store.set(this.keys.queue, this.queue);
  };

  Widget.prototype.restore = function () {
    var self = this;
    this.nodes = {};
    this.transcript.forEach(function (m) { self.render(m); });
    this.scrollToEnd();
  };

  Widget.prototype.add = function (message) {
    message.id = message.id || uuid4();
    message.ts = Date.now();
    this.transcript.push(message);
    this.saveTranscript();
    this.render(message);
    this.scrollToEnd();
    return message;
  };

  Widget.prototype.render = function (m) {
    var t = this.t;
    var self = this;
    var kind = ["bot", "user", "agent", "system"].indexOf(m.kind) >= 0 ? m.kind : "bot";
    var agentLabel = t.agent + (typeof m.agent === "string" && m.agent ? " · " + m.agent : "");
    var who = { bot: t.bot, user: t.you, agent: agentLabel, system: t.system }[kind];
    var node = el("div", { className: "ecoute-msg ecoute-" + kind, "data-id": m.id });
    if (kind === "agent") {
      // Written by a person, not by the assistant: say so, with their name.
      node.appendChild(el("div", { className: "ecoute-label", "aria-hidden": "true", text: agentLabel }));
    }
    var bubble = el("div", { className: "ecoute-bubble" }, [
      el("span", { className: "ecoute-sr", text: who + t.colon }),
    ]);
    appendText(bubble, m.text || "");
    if (m.text) node.appendChild(bubble);
    if (kind === "user") {
      var note = el("div", { className: "ecoute-note", text: t.pending });
      node.appendChild(note);
      node.classList.toggle("ecoute-pending", !!m.pending);
      note.hidden = !m.pending;
    }
    if (m.buttons && m.buttons.length) {
      var row = el("div", { className: "ecoute-buttons", role: "group", "aria-label": t.suggestions });
      m.buttons.forEach(function (b, index) {
        var button = el("button", { type: "button", className: "ecoute-button", text: b.title });
        if (m.used || m.expired) button.disabled = true;
        if (m.used && m.chosen === index) {
          button.classList.add("ecoute-chosen");
          button.setAttribute("aria-pressed", "true");
        }
        button.addEventListener("click", function () { self.choose(m, index); });
        row.appendChild(button);
      });
      node.appendChild(row);
    }
    var previous = this.nodes[m.id];
    if (previous && previous.parentNode === this.messages) {
      this.messages.replaceChild(node, previous);
    } else {
      this.messages.appendChild(node);
    }
    this.nodes[m.id] = node;
  };

  Widget.prototype.update = function (message) {
    this.saveTranscript();
    this.render(message);
  };

  Widget.prototype.choose = function (message, index) {
    if (message.used || message.expired) return;
    var button = message.buttons[index];
    message.used = true;
    message.chosen = index;
    this.update(message);
    this.send(button.payload, button.title);
    this.input.focus();
  };

  // --- sending ---------------------------------------------------------------------------------

  Widget.prototype.submitInput = function () {
    var text = this.input.value;
    if (!text.trim()) return;
    this.input.value = "";
    this.autosize();
    this.send(text.trim());
  };

  /** Queues a message (kept in sessionStorage) and sends the queue when the session allows. */
  Widget.prototype.send = function (message, display) {
    var self = this;
    if (typeof message !== "string" || !message.trim()) return;
    // Suggested replies that were not used go stale once the debtor answers otherwise.
    this.transcript.forEach(function (m) {
      if (m.buttons && m.buttons.length && !m.used && !m.expired) {
        m.expired = true;
        self.render(m);
      }
    });
    var cid = uuid4();
    var bubble = this.add({ kind: "user", text: display || message, cid: cid, pending: true });
    this.queue.push({ message: message, cid: cid, bubble: bubble.id });
    this.saveQueue();
    this.flush();
  };

  Widget.prototype.markSent = function (item, pending) {
    for (var i = this.transcript.length - 1; i >= 0; i--) {
      var m = this.transcript[i];
      if (m.id === item.bubble || (item.cid && m.cid === item.cid)) {
        if (!!m.pending !== pending) {
          m.pending = pending;
          this.update(m);
        }
        return;
      }
    }
  };

  /**
   * Sends queued messages one at a time, in order. The next goes once the server acknowledged
   * the previous one (python-socketio acks after storing it), or after ACK_TIMEOUT_MS if the
   * socket stayed connected. A message cut off by a disconnection stays queued and is sent again
   * with the same client_msg_id after the next session_confirm; the server de-duplicates.
   */
  Widget.prototype.flush = function () {
    var self = this;
    if (!this.socket || !this.socket.connected || !this.confirmed || this.sending) return;
    var item = this.queue[0];
    if (!item) return;
    this.sending = true;
    var generation = this.generation;
    var done = false;
    var timer = null;
    var finish = function (delivered) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (generation !== self.generation || self.destroyed) return;
      self.sending = false;
      if (delivered) {
        var at = self.queue.indexOf(item);
        if (at >= 0) self.queue.splice(at, 1);
        self.saveQueue();
      }
      self.flush();
    };
    timer = setTimeout(function () {
      finish(!!(self.socket && self.socket.connected));
    }, ACK_TIMEOUT_MS);
    this.markSent(item, false);
    this.showTyping();
    this.socket.emit("user_uttered", {
      message: item.message,
      session_id: this.sessionId,
      customData: { token: this.token, client_msg_id: item.cid, lang: this.lang },
    }, function () { finish(true); });
  };

  // --- receiving -------------------------------------------------------------------------------

  Widget.prototype.receive = function (data) {
    if (typeof data === "string") data = { text: data };
    if (!data || typeof data !== "object") return;
    var metadata = data.metadata && typeof data.metadata === "object" ? data.metadata : {};
    var mid = metadata.message_id !== undefined && metadata.message_id !== null
      ? String(metadata.message_id) : null;
    this.hideTyping();
    if (mid) {
      if (this.seen[mid]) return;
      this.seen[mid] = true;
    }
    var author = metadata.author;
    var kind = author === "agent" ? "agent" : author === "system" ? "system" : "bot";
    var text = typeof data.text === "string" ? data.text : "";
    var buttons = normaliseButtons(data.quick_replies).concat(normaliseButtons(data.buttons));
    if (!text && !buttons.length) return;
    var agent = kind === "agent" && typeof metadata.agent === "string" ? metadata.agent : "";
    this.add({ kind: kind, text: text, buttons: buttons, mid: mid, agent: agent });
    if (!this.open) {
      this.unread += 1;
      this.updateLauncherLabel();
    }
  };

  // --- connection ------------------------------------------------------------------------------

  Widget.prototype.connect = function () {
    var self = this;
    if (!ioFactory) {
      this.add({ kind: "system", text: this.t.unavailable });
      return;
    }
    var query = {};
    if (this.token) query.token = this.token;
    var socket = ioFactory(this.server, {
      path: "/socket.io",
      transports: ["websocket", "polling"],
      query: query,
      auth: this.token ? { token: this.token } : {},
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
    });
    this.socket = socket;
    var statusTimer = setTimeout(function () {
      if (!socket.connected && !self.destroyed) self.setStatus(self.t.connecting);
    }, 1500);

    socket.on("connect", function () {
      clearTimeout(statusTimer);
      self.generation += 1;
      self.confirmed = false;
      self.sending = false;
      self.setStatus("");
      socket.emit("session_request", { session_id: self.sessionId || null });
    });

    socket.on("session_confirm", function (data) {
      var id = data && typeof data === "object" ? data.session_id : data;
      if (typeof id === "string" && id) {
        self.sessionId = id;
        store.set(self.keys.session, id);
      }
      self.confirmed = true;
      // A new conversation opens with the assistant's greeting: show that it is on its way.
      if (!self.transcript.length && self.token) self.showTyping();
      self.flush();
    });

    socket.on("bot_uttered", function (data) { self.receive(data); });

    socket.on("disconnect", function (reason) {
      self.generation += 1;
      self.confirmed = false;
      self.sending = false;
      self.hideTyping();
      self.queue.forEach(function (item) { self.markSent(item, true); });
      if (self.destroyed) return;
      self.setStatus(self.t.reconnecting);
      // A disconnection decided by the server is not retried by socket.io itself.
      if (reason === "io server disconnect") socket.connect();
    });

    socket.on("connect_error", function () {
      clearTimeout(statusTimer);
      if (!self.destroyed) self.setStatus(self.t.reconnecting);
    });
  };

  Widget.prototype.destroy = function () {
    this.destroyed = true;
    this.hideTyping();
    window.removeEventListener("online", this.onOnline);
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
    }
    if (this.root && this.root.parentNode) this.root.parentNode.removeChild(this.root);
  };

  // --- public API ------------------------------------------------------------------------------

  var instance = null;

  function whenReady(fn) {
    if (document.body) fn();
    else document.addEventListener("DOMContentLoaded", fn, { once: true });
  }

  var api = {
    version: VERSION,
    /** Starts the widget: {token, lang, container, open, server}. Replaces a running one. */
    init: function (options) {
      options = options || {};
      if (instance) instance.destroy();
      instance = null;
      if (!document.body) {
        whenReady(function () { api.init(options); });
        return api;
      }
      instance = new Widget(options);
      return api;
    },
    open: function () { if (instance) instance.setOpen(true); },
    close: function () { if (instance) instance.setOpen(false); },
    toggle: function () { if (instance) instance.toggle(); },
    send: function (text) { if (instance) instance.send(String(text)); },
    destroy: function () {
      if (instance) instance.destroy();
      instance = null;
    },
  };

  if (window.EcouteWidget && window.EcouteWidget.__ecoute) {
    window.EcouteWidget.destroy(); // the script was included twice: the last one wins
  }
  Object.defineProperty(api, "__ecoute", { value: true });
  window.EcouteWidget = api;

  var scriptToken = currentScript && currentScript.getAttribute("data-token");
  if (scriptToken) {
    var scriptLang = currentScript.getAttribute("data-lang") ||
      document.documentElement.getAttribute("lang");
    whenReady(function () { api.init({ token: scriptToken, lang: scriptLang }); });
  }
})();
