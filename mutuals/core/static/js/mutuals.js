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
