// Small progressive enhancements; every page works without this file.

// Live search forms send only the filters that are set, so shared URLs stay short
// (/members/?q=risk rather than /members/?q=risk&topic=&company=&location=).
document.addEventListener("htmx:configRequest", (event) => {
    const params = event.detail.parameters;
    for (const key of Array.from(params.keys ? params.keys() : Object.keys(params))) {
        const value = params.get ? params.get(key) : params[key];
        if (value === "") {
            if (params.delete) params.delete(key); else delete params[key];
        }
    }
});

// Behaviour that used to sit in inline attributes (onclick=, hx-on:…): the
// Content-Security-Policy runs no inline script, so it is wired here by data attributes.

// <form data-input-removes="id">: typing again removes that element (a refusal shown after
// the last attempt to send).
document.addEventListener("input", (event) => {
    const form = event.target.closest("[data-input-removes]");
    if (form) document.getElementById(form.dataset.inputRemoves)?.remove();
});

// <form data-sent-clears="id">: when the server says the message was sent (HX-Trigger:
// message-sent), empty the form and that element (the last errors).
document.addEventListener("message-sent", (event) => {
    const form = event.target.closest("[data-sent-clears]");
    if (!form) return;
    form.reset();
    document.getElementById(form.dataset.sentClears)?.replaceChildren();
});

// <input data-select-on-click>: one click selects the whole value (a link to copy).
document.addEventListener("click", (event) => {
    if (event.target.matches("[data-select-on-click]")) event.target.select();
});

// <form data-confirm="question">: ask before submitting.
document.addEventListener("submit", (event) => {
    const question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
});

// <label data-choice-of> holding a radio and the control that details it (the composer's
// "How do you know of …"): choosing in the control chooses its radio, so what is sent is
// what the member picked. Capture phase: the radio is set before HTMX reads the form. Only
// "input" (a select fires it too): a text input's "change" comes late, when it loses focus.
function chooseOwnRadio(event) {
    const option = event.target.closest?.("[data-choice-of]");
    if (!option || event.target.type === "radio") return;
    const radio = option.querySelector('input[type="radio"]');
    if (radio && !radio.disabled) radio.checked = true;
}
document.addEventListener("input", chooseOwnRadio, true);

// <input data-browser-time-zone>: the browser's IANA time zone (the sign-up form), so a
// newcomer is not left on UTC. The server keeps it only when it is a canonical name.
function fillBrowserTimeZone() {
    let zone = "";
    try {
        zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
        return;
    }
    for (const input of document.querySelectorAll("input[data-browser-time-zone]")) {
        input.value = zone;
    }
}
if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fillBrowserTimeZone);
} else {
    fillBrowserTimeZone();
}
