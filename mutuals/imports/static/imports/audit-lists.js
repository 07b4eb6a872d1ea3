// The audit's lists (templates/imports/_audit_list.html): a filter box and sortable columns,
// in the browser and offline (the downloadable report carries this file inline). Every row is
// in the page already; without this file the lists are whole, just not filtered or sorted.
(() => {
    "use strict";
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    // A cell's value: its text, or "" for an empty one (shown as "—", marked data-empty).
    // The collator compares words without regard to case, numbers by value.
    const cellValue = (td) => (td.hasAttribute("data-empty") ? "" : td.textContent);
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
                const keyed = rows.map((row) => [row, cellValue(row.cells[index])]);
                keyed.sort(([, a], [, b]) => {
                    if (a === "" || b === "") return (a === "") - (b === ""); // blanks last
                    return sign * (numeric ? Number(a) - Number(b) : collator.compare(a, b));
                });
                table.tBodies[0].append(...keyed.map(([row]) => row));
            });
        });
    }

    // The offline report's "Download CSV" (links marked data-audit-csv): the file is made
    // from the table when clicked, with the values, quoting and formula guard of the server's
    // CSV (imports/lists.py, as_csv), so the report carries each list once.
    const FORMULA_START = ["=", "+", "-", "@", "\t", "\r"];
    const csvField = (value) => {
        const text = FORMULA_START.some((start) => value.startsWith(start)) ? `'${value}` : value;
        return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    };

    function csvFrom(table, rows) {
        const headers = Array.from(table.tHead.rows[0].cells);
        const hasLink = headers.some((th) => th.dataset.kind === "link");
        const lines = [headers.map((th) => th.textContent).concat(hasLink ? ["Profile URL"] : [])];
        for (const row of rows) {
            const values = Array.from(row.cells, cellValue);
            if (hasLink) {
                const link = row.querySelector("a[href]");
                values.push(link ? link.getAttribute("href") : "");
            }
            lines.push(values);
        }
        return lines.map((line) => `${line.map(csvField).join(",")}\r\n`).join("");
    }

    function addCsvDownload(box, table, rows) {
        const link = box.querySelector("[data-audit-csv]");
        if (!link) return;
        link.addEventListener("click", () => {
            // The whole list in its first order, whatever the filter and sorting show.
            const blob = new Blob([csvFrom(table, rows)], { type: "text/csv;charset=utf-8" });
            const url = URL.createObjectURL(blob);
            link.href = url; // read by the click's default action, after this handler
            setTimeout(() => URL.revokeObjectURL(url), 60000);
        });
    }

    for (const box of document.querySelectorAll("[data-audit-list]")) {
        const table = box.querySelector("table");
        const rows = Array.from(table.tBodies[0].rows);
        addFilter(box, table, rows);
        addSorting(table, rows);
        addCsvDownload(box, table, rows);
    }
})();
