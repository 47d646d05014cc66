// A small rich-text editor for product stories (no Markdown needed): a contenteditable area with a
// toolbar for bold, italic, headings, lists and links. It writes tidy HTML into the form's
// textarea (hidden while the editor is shown). The server's allow-list (nh3) stays the
// gatekeeper: this tidying only keeps the stored text small and predictable.
(function () {
  "use strict";
  var KEEP = {P: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", UL: "ul",
              OL: "ol", LI: "li", H3: "h3", H4: "h4", A: "a", BLOCKQUOTE: "blockquote"};
  var BLOCK_AS_P = {DIV: true, H1: true, H2: true, H5: true, H6: true, SECTION: true, ARTICLE: true};
  var SAFE_URL = /^(https?:|mailto:|tel:)/i;

  function tidy(node, out) {
    node.childNodes.forEach(function (child) {
      if (child.nodeType === 3) { out.appendChild(document.createTextNode(child.nodeValue)); return; }
      if (child.nodeType !== 1) return;
      var name = child.nodeName;
      if (name === "SCRIPT" || name === "STYLE" || name === "IFRAME" || name === "OBJECT") return;
      var tag = KEEP[name] || (BLOCK_AS_P[name] ? "p" : null);
      if (!tag) { tidy(child, out); return; }  // unknown element: keep its text only
      var copy = document.createElement(tag);
      if (tag === "a") {
        var href = (child.getAttribute("href") || "").trim();
        if (!SAFE_URL.test(href)) { tidy(child, out); return; }  // javascript: and friends go
        copy.setAttribute("href", href);
      }
      tidy(child, copy);
      out.appendChild(copy);
    });
    return out;
  }

  function toHtml(area) {
    var box = tidy(area, document.createElement("div"));
    return box.innerHTML.replace(/<p><\/p>|<p><br><\/p>/g, "").trim();
  }

  document.querySelectorAll("[data-story-editor]").forEach(function (editor) {
    var textarea = document.getElementById(editor.dataset.storyEditor);
    var area = editor.querySelector("[contenteditable]");
    if (!textarea || !area || !document.execCommand) return;
    editor.hidden = false;
    textarea.hidden = true;
    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* old */ }
    var sync = function () { textarea.value = toHtml(area); };
    area.addEventListener("input", sync);
    if (textarea.form) textarea.form.addEventListener("submit", sync);
    editor.querySelectorAll("[data-command]").forEach(function (button) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        var command = button.dataset.command;
        area.focus();
        if (command === "h3" || command === "h4") {
          var current = (document.queryCommandValue("formatBlock") || "").toLowerCase();
          document.execCommand("formatBlock", false, current === command ? "p" : command);
        } else if (command === "link") {
          var url = window.prompt(button.dataset.prompt || "https://", "https://");
          if (url && SAFE_URL.test(url.trim())) document.execCommand("createLink", false, url.trim());
        } else {
          document.execCommand(command, false, null);
        }
        sync();
      });
    });
  });
})();
