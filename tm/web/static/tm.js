// Progressive enhancement of the search page: results as you type (debounced, rendered by the
// server like the page itself), Enter opens the first result, Esc clears, arrows move between
// results, "/" returns to the search box. Without this file the form still works.
"use strict";

(() => {
  const input = document.getElementById("q");
  if (!input) return;
  const results = document.getElementById("results");
  const DELAY_MS = 180;
  let timer = null;
  let shown = input.value; // the query the results on screen answer
  let controller = null;
  let composing = false; // an input method (pinyin, zhuyin…) is still composing a character

  if (document.activeElement === input) input.setSelectionRange(input.value.length, input.value.length);

  const links = () => Array.from((results || document).querySelectorAll("a.result"));

  async function refresh(query) {
    if (!results) return;
    clearTimeout(timer);
    if (controller) controller.abort();
    controller = new AbortController();
    results.classList.add("busy");
    try {
      const response = await fetch("/results?q=" + encodeURIComponent(query), { signal: controller.signal });
      results.innerHTML = await response.text(); // escaped by the server, as the page is
      shown = query;
      const url = query.trim() ? "/?q=" + encodeURIComponent(query) : "/";
      history.replaceState(null, "", url);
      document.title = (query.trim() ? query.trim() + " — " : "") + "tm — glossary and memory";
    } catch (error) {
      if (error.name === "AbortError") return; // a newer keystroke took over
      const notice = document.createElement("p");
      notice.className = "notice";
      notice.textContent = "The server did not answer: is `tm serve` still running?";
      results.replaceChildren(notice);
    } finally {
      results.classList.remove("busy");
    }
  }

  input.addEventListener("compositionstart", () => { composing = true; });
  input.addEventListener("compositionend", () => {
    composing = false;
    input.dispatchEvent(new Event("input"));
  });

  input.addEventListener("input", () => {
    if (!results || composing) return;
    clearTimeout(timer);
    timer = setTimeout(() => refresh(input.value), DELAY_MS);
  });

  input.addEventListener("keydown", async (event) => {
    if (event.isComposing || event.keyCode === 229) return; // Enter that confirms a character
    if (event.key === "Escape") {
      event.preventDefault();
      input.value = "";
      if (results) await refresh("");
    } else if (event.key === "Enter" && results) {
      event.preventDefault();
      if (input.value !== shown) await refresh(input.value);
      const first = links()[0];
      if (first) window.location.assign(first.href);
    } else if (event.key === "ArrowDown") {
      const first = links()[0];
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target === input || event.altKey || event.ctrlKey || event.metaKey) return;
    const list = links();
    const at = list.indexOf(target);
    if (event.key === "/" && !(target instanceof HTMLInputElement)) {
      event.preventDefault();
      input.focus();
      input.select();
    } else if (at >= 0 && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? input : list[Math.min(next, list.length - 1)]).focus();
    } else if (at >= 0 && event.key === "Escape") {
      input.focus();
    }
  });
})();
