/* Ecoute agent console: live updates over socket.io (namespace /console).
 * The page's script tag carries a signed live token; the server checks access on "watch". */
(function () {
  "use strict";
  var script = document.currentScript;
  var token = script.getAttribute("data-live-token");
  var watch = script.getAttribute("data-watch");
  if (!token || !watch || typeof io !== "function") return;
  var socket = io("/console", { path: "/socket.io", transports: ["websocket", "polling"], auth: { token: token } });

  function label(m) {
    var who = m.author + (m.agent ? " · " + m.agent : "");
    return who + " · " + new Date().toLocaleTimeString();
  }

  if (watch === "conversation") {
    var conversationId = script.getAttribute("data-conversation");
    var transcript = document.getElementById("transcript");
    socket.on("connect", function () { socket.emit("watch", { conversation_id: conversationId }); });
    socket.on("message", function (m) {
      if (m.conversation_id !== conversationId) return;
      if (transcript.querySelector('[data-id="' + m.id + '"]')) return;
      var node = document.createElement("div");
      node.className = "msg " + m.direction + (m.author === "agent" ? " agent" : "");
      node.setAttribute("data-id", String(m.id));
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = label(m);
      node.appendChild(who);
      node.appendChild(document.createTextNode(m.text));
      transcript.appendChild(node);
      transcript.scrollTop = transcript.scrollHeight;
    });
    transcript.scrollTop = transcript.scrollHeight;
  } else if (watch === "queue") {
    var pending = null;
    socket.on("connect", function () { socket.emit("watch", { queue: true }); });
    socket.on("queue_changed", function () {
      if (pending) return;
      pending = setTimeout(function () {
        pending = null;
        fetch("/console/queue", { credentials: "same-origin" }).then(function (r) {
          return r.ok ? r.text() : null;
        }).then(function (html) {
          if (html !== null) document.getElementById("queue").innerHTML = html;
        });
      }, 300);
    });
  }
})();
