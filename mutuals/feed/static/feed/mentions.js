// @mention autocomplete for textareas marked data-mentions: type "@" and a few letters,
// pick a member with the mouse or arrow keys + Enter, and "@Name" goes in, as the reader will
// see it. The member picked is remembered, and the form sends the stored token "@[Name](id)"
// in its place (the formdata event: a plain submission and HTMX's alike), so the mention
// means who was picked even when names repeat. Tokens already in the text (editing a post,
// a form shown again) are shown as "@Name" the same way. Without JavaScript, "@Full Name" of
// a connection is resolved when saving.
(function () {
    "use strict";
    const endpoint = "/feed/mentions/";
    const TOKEN = /@\[([^\[\]\n]{1,120})\]\((\d{1,12})\)/g;
    const picks = new WeakMap();  // textarea -> Map(name -> id)
    let counter = 0;

    function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

    // The text with each picked "@Name" (longest names first) as its token.
    function tokenized(area) {
        const picked = picks.get(area);
        if (!picked || !picked.size) return area.value;
        const names = Array.from(picked.keys()).sort(function (a, b) { return b.length - a.length; });
        const pattern = new RegExp("@(" + names.map(escapeRegExp).join("|") + ")(?![\\p{L}\\p{N}_])", "gu");
        return area.value.replace(pattern, function (_, name) { return "@[" + name + "](" + picked.get(name) + ")"; });
    }

    function attach(area) {
        if (area.dataset.mentionsReady) return;
        area.dataset.mentionsReady = "1";
        const picked = new Map();
        picks.set(area, picked);
        const shown = area.value.replace(TOKEN, function (_, name, id) { picked.set(name, id); return "@" + name; });
        if (shown !== area.value) { area.value = shown; area.defaultValue = shown; }
        const list = document.createElement("ul");
        list.className = "mention-list";
        list.id = "mention-list-" + (++counter);
        list.setAttribute("role", "listbox");
        list.hidden = true;
        area.setAttribute("aria-autocomplete", "list");
        area.setAttribute("aria-controls", list.id);
        area.insertAdjacentElement("afterend", list);
        let items = [], active = 0, start = -1, timer = null;

        function query() {
            const caret = area.selectionStart;
            const before = area.value.slice(0, caret);
            const match = /(^|\s)@([^\s@\[\]()]{1,30}(?: [^\s@\[\]()]{0,30})?)$/.exec(before);
            if (!match) { close(); return; }
            start = caret - match[2].length - 1;
            clearTimeout(timer);
            timer = setTimeout(function () {
                fetch(endpoint + "?q=" + encodeURIComponent(match[2]), { credentials: "same-origin" })
                    .then(function (r) { return r.ok ? r.json() : { items: [] }; })
                    .then(function (data) { show(data.items || []); });
            }, 150);
        }
        function show(found) {
            items = found; active = 0;
            list.innerHTML = "";
            if (!items.length) { close(); return; }
            items.forEach(function (item, i) {
                const li = document.createElement("li");
                li.setAttribute("role", "option");
                li.id = list.id + "-" + i;
                li.textContent = item.name + (item.connected ? " · connection" : "");
                li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
                list.appendChild(li);
            });
            list.hidden = false;
            mark();
        }
        function mark() {
            Array.prototype.forEach.call(list.children, function (li, i) {
                li.setAttribute("aria-selected", i === active ? "true" : "false");
            });
            area.setAttribute("aria-activedescendant", list.id + "-" + active);
        }
        function close() { list.hidden = true; items = []; area.removeAttribute("aria-activedescendant"); }
        function pick(i) {
            const item = items[i];
            if (!item || start < 0) return;
            const caret = area.selectionStart;
            const shown = "@" + item.name;
            picked.set(item.name, String(item.id));
            area.value = area.value.slice(0, start) + shown + " " + area.value.slice(caret);
            const at = start + shown.length + 1;
            area.setSelectionRange(at, at);
            close();
            area.focus();
        }
        area.addEventListener("input", query);
        area.addEventListener("blur", function () { setTimeout(close, 100); });
        area.addEventListener("keydown", function (e) {
            if (list.hidden || !items.length) return;
            if (e.key === "ArrowDown") { active = (active + 1) % items.length; mark(); e.preventDefault(); }
            else if (e.key === "ArrowUp") { active = (active - 1 + items.length) % items.length; mark(); e.preventDefault(); }
            else if (e.key === "Enter" || e.key === "Tab") { pick(active); e.preventDefault(); }
            else if (e.key === "Escape") { close(); }
        });
    }
    function scan(root) {
        (root.querySelectorAll ? root : document).querySelectorAll("textarea[data-mentions]").forEach(attach);
    }
    document.addEventListener("formdata", function (e) {
        e.target.querySelectorAll("textarea[data-mentions]").forEach(function (area) {
            if (area.name && picks.has(area)) e.formData.set(area.name, tokenized(area));
        });
    });
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
    document.addEventListener("htmx:afterSwap", function (e) { scan(e.target); });
})();
