// The workshop phone: answers are sent as they are chosen; one that could not be sent (no connection,
// phone asleep) is sent again as soon as the phone reaches the server, and the phone asks at once
// whether the room has moved on when it wakes up or comes back online.
(function () {
  "use strict";
  var retry = null;
  function unsentForm() {
    return document.querySelector("form[data-phone-answer][data-unsent]");
  }
  function say(form, text) {
    var status = form.querySelector("#phone-status");
    if (status) status.innerHTML = '<span class="text-danger fw-semibold"></span>';
    if (status) status.firstChild.textContent = text;
  }
  function resend() {
    var form = unsentForm();
    if (form && window.htmx) {
      delete form.dataset.unsent;
      window.htmx.trigger(form, "change");
    }
  }
  function wake() {
    document.body.dispatchEvent(new Event("coherence:wake"));
    resend();
  }
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-phone-answer]");
    if (!form) return;
    form.dataset.unsent = "1";
    say(form, document.body.getAttribute("data-unsent-text") || "Not saved yet: no connection. It will be sent again.");
    // Try again on a timer too: the "online" event and the room's poll can both come before the network
    // is really back, and a phone must not wait for the next tap to send what it holds.
    clearTimeout(retry);
    retry = setTimeout(resend, 2000);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !event.detail.successful) return;
    if (elt.id === "phone-card") resend();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) wake();
  });
  window.addEventListener("online", wake);
})();
