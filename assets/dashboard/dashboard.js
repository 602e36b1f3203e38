// The dashboard's only script besides htmx (served from this server; the Content-Security-Policy
// allows no inline code). The live step tree: the deployment's event stream says that something
// happened, and the tree is fetched again, rendered on the server from the store, so a reconnect
// (EventSource resends Last-Event-ID) loses nothing and the page never builds HTML itself.
(() => {
  const live = document.getElementById("live");
  if (!live?.dataset.events || !live.dataset.tree) return;
  const treeUrl = live.dataset.tree;
  let running = false;
  let again = false;

  async function refresh() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const res = await fetch(treeUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (res.ok) {
        const template = document.createElement("template");
        template.innerHTML = await res.text();
        const next = template.content.getElementById("tree");
        const tree = document.getElementById("tree");
        if (next && tree) tree.replaceWith(next);
      }
    } finally {
      running = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  const events = new EventSource(live.dataset.events, { withCredentials: true });
  events.onmessage = () => void refresh();
  events.addEventListener("end", () => {
    events.close();
    live.dataset.ended = "true";
    void refresh();
  });
})();
