/* The review app's page script. Served by the review server itself (route /_revue/revue.js): the browser
 * fetches nothing from anywhere else, and the Content-Security-Policy ('self') lets it run.
 *
 * It is loaded by the small frame the app draws on each page (page_script.py), which passes the page's state
 * up to the page: whether the open stay has unsaved changes, and a one-time code to exchange for the session
 * cookie right after sign-in. The frame then injects this same file into the page once, where it installs the
 * keyboard shortcut of the code search (Alt+A), the warning before leaving a stay with unsaved changes, and
 * the link from a code to its mentions: a click on a code marked `data-locate` opens the document tab that
 * holds its first mention, scrolls it into view and makes every mention of the code blink.
 * The other shortcuts (validate, next, previous) are Streamlit's own, on the buttons.
 */
(function () {
  "use strict";
  var me = document.currentScript;

  if (me && me.dataset.place === "frame") {
    var top = window.parent;
    var root = top.document.documentElement;
    root.dataset.revueUnsaved = me.dataset.unsaved === "1" ? "1" : "";
    var code = me.dataset.handoff;
    if (code) {
      var used = (top.__revueHandoffs = top.__revueHandoffs || {});
      if (!used[code]) {
        used[code] = true;
        top.fetch(me.dataset.endpoint, {
          method: "POST",
          body: code,
          credentials: "same-origin",
          headers: { "Content-Type": "text/plain" },
        });
      }
    }
    if (!top.document.getElementById("revue-page-script")) {
      var script = top.document.createElement("script");
      script.id = "revue-page-script";
      script.src = me.src;
      script.dataset.place = "page";
      top.document.head.appendChild(script);
    }
    return;
  }

  if (window.__revueInstalled) {
    return;
  }
  window.__revueInstalled = true;

  document.addEventListener(
    "keydown",
    function (event) {
      // Alt+A (« Ajouter un code »): the code search box of the stay's coding panel.
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyA") {
        var box = document.querySelector(".st-key-code_search_box input");
        if (box) {
          event.preventDefault();
          box.focus();
          box.select();
        }
      }
    },
    true
  );

  function shown(element) {
    return element.offsetParent !== null;
  }

  function blink(elements) {
    elements.forEach(function (element) {
      element.classList.remove("revue-blink");
      void element.offsetWidth; // restart the animation on a second click
      element.classList.add("revue-blink");
    });
    window.setTimeout(function () {
      elements.forEach(function (element) {
        element.classList.remove("revue-blink");
      });
    }, 2400);
  }

  document.addEventListener(
    "click",
    function (event) {
      var source = event.target && event.target.closest ? event.target.closest("[data-locate]") : null;
      if (!source) {
        return;
      }
      var code = source.dataset.locate;
      var mentions = Array.prototype.filter.call(document.querySelectorAll("[data-code]"), function (element) {
        return element.dataset.code === code;
      });
      if (!mentions.length) {
        return;
      }
      var first = mentions.filter(shown)[0] || mentions[0];
      var panel = shown(first) ? null : first.closest('[role="tabpanel"]');
      var tab = panel && panel.id ? document.querySelector('[role="tab"][aria-controls="' + panel.id + '"]') : null;
      if (tab) {
        tab.click(); // the mention is in another document's tab
      }
      window.setTimeout(function () {
        first.scrollIntoView({ block: "center", behavior: "smooth" });
        blink(mentions.filter(shown));
      }, tab ? 80 : 0);
    },
    true
  );

  window.addEventListener("beforeunload", function (event) {
    if (document.documentElement.dataset.revueUnsaved === "1") {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
