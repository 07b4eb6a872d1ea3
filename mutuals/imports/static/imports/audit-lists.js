// The audit's lists (templates/imports/_audit_list.html): a filter box and sortable columns,
// in the browser and offline (the downloadable report carries this file inline). Every row is
// in the page already; without this file the lists are whole, just not filtered or sorted.
(() => {
    "use strict";
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    const rowsText = (count) => `${count.toLocaleString()} row${count === 1 ? "" : "s"}`;

    function addFilter(box, table, rows) {
        const texts = rows.map((row) => row.textContent.toLocaleLowerCase());
        const count = box.querySelector("[data-audit-count]");
        const input = document.createElement("input");
        input.type = "search";
        input.placeholder = "Filter";
        input.className = "audit-filter";
        input.setAttribute("aria-label", `Filter ${table.caption.textContent.trim()}`);
        box.querySelector(".audit-table-tools").prepend(input);
        input.addEventListener("input", () => {
            const words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
            let shown = 0;
            rows.forEach((row, index) => {
                const hit = words.every((word) => texts[index].includes(word));
                row.hidden = !hit;
                shown += hit ? 1 : 0;
            });
            count.textContent = words.length
                ? `${shown.toLocaleString()} of ${rowsText(rows.length)}`
                : rowsText(rows.length);
        });
    }

    function addSorting(table, rows) {
        const headers = Array.from(table.tHead.rows[0].cells);
        headers.forEach((th, index) => {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "audit-sort";
            button.textContent = th.textContent;
            th.replaceChildren(button);
            button.addEventListener("click", () => {
                const numeric = th.dataset.kind === "number";
                // Numbers first sort largest first; words and dates from the start.
                const first = numeric ? "descending" : "ascending";
                const current = th.getAttribute("aria-sort");
                const order = current === first ? (numeric ? "ascending" : "descending") : first;
                headers.forEach((other) => other.removeAttribute("aria-sort"));
                th.setAttribute("aria-sort", order);
                const sign = order === "ascending" ? 1 : -1;
                const keyed = rows.map((row) => [row, row.cells[index].dataset.sort || ""]);
                keyed.sort(([, a], [, b]) => {
                    if (a === "" || b === "") return (a === "") - (b === ""); // blanks last
                    return sign * (numeric ? Number(a) - Number(b) : collator.compare(a, b));
                });
                table.tBodies[0].append(...keyed.map(([row]) => row));
            });
        });
    }

    for (const box of document.querySelectorAll("[data-audit-list]")) {
        const table = box.querySelector("table");
        const rows = Array.from(table.tBodies[0].rows);
        addFilter(box, table, rows);
        addSorting(table, rows);
    }
})();
