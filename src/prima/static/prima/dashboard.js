// Draws the dashboard's charts: each <div class="vega" data-spec="ID"> gets the Vega-Lite spec
// of the <script type="application/json" id="ID"> beside it, rendered as SVG by Vega-Embed from
// the offline bundle (loaded just before this module). Without JavaScript the tables beside the
// charts carry the same numbers. When a filter changes, htmx swaps the dashboard's body in
// place (#dashboard-body), and a tab its section (#sections); the new charts are drawn here too.
// The message shown when a chart fails comes from the page (data-error), in its language.
//
// The site's Content-Security-Policy allows no eval and no inline style, so Vega evaluates its
// expressions with its interpreter (ast), and neither Vega-Embed nor the tooltip injects a
// <style> element: their few rules live in app.css.
const EMBED_OPTIONS = {
  actions: false,
  renderer: "svg",
  ast: true,
  defaultStyle: false,
  tooltip: { disableDefaultStyle: true },
};

function draw(root) {
  for (const el of root.querySelectorAll(".vega[data-spec]:not(.drawn):not(.failed)")) {
    const source = document.getElementById(el.dataset.spec);
    if (!source || !window.vegaEmbed) continue;
    const spec = JSON.parse(source.textContent);
    if (!spec) continue;
    window
      .vegaEmbed(el, spec, EMBED_OPTIONS)
      .then(() => el.classList.add("drawn"))
      .catch((err) => {
        el.classList.add("failed");
        el.textContent = el.dataset.error || "";
        console.error(err);
      });
  }
}

draw(document);
document.body.addEventListener("htmx:afterSettle", () => draw(document));
