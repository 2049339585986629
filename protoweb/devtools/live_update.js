/* protoweb live update: keeps an open page in step with the app, keeping its state.
   "restyle": swap the changed stylesheets' <link>s in place (cache-busted);
   "update": fetch the page again and morph it in (Idiomorph), keeping scroll,
   focus and what was typed into form fields; a reload if that cannot apply;
   "reload": load the page again. */
var me = document.currentScript;
if (me && window.EventSource && !window.__protoweb_live) {
  var eventsUrl = me.getAttribute("data-events");
  var page = me.getAttribute("data-page");
  var since = me.getAttribute("data-since");
  var live = (window.__protoweb_live = { updates: 0, restyles: 0 });
  var busy = false;
  var again = false;
  var source = null;
  if (document.cookie.indexOf("protoweb-live=") >= 0) {
    document.cookie = "protoweb-live=; path=/; max-age=0";
  }

  var reload = function () {
    if (source) source.close();
    document.cookie = "protoweb-live=reload; path=/; max-age=5; SameSite=Lax";
    setTimeout(function () { location.reload(); }, 30);
  };

  var restyle = function (hrefs) {
    var stamp = Date.now().toString(36);
    var found = 0;
    document.querySelectorAll('link[rel~="stylesheet"][href]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (hrefs.indexOf(url.pathname) < 0) return;
      url.searchParams.set("protoweb", stamp);
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
      found += 1;
    });
    if (!found) return reload();
    live.restyles += 1;
  };

  var scripts = function (doc) {
    return Array.prototype.map.call(
      doc.querySelectorAll("script:not([data-protoweb-live])"),
      function (s) { return [s.getAttribute("src"), s.type, s.text].join("\n"); }
    ).join("\n\0");
  };

  var typed = function (name, el) {
    var tag = el.tagName;
    if (name === "value") {
      return (tag === "INPUT" || tag === "TEXTAREA") && el.value !== el.defaultValue;
    }
    if (name === "checked") return tag === "INPUT" && el.checked !== el.defaultChecked;
    if (name === "selected") {
      return tag === "OPTION" && el.selected !== el.defaultSelected;
    }
    return false;
  };

  var keepRestyled = function (next) {
    var current = {};
    document.querySelectorAll('link[rel~="stylesheet"][href]').forEach(function (link) {
      current[new URL(link.href, location.href).pathname] = link.getAttribute("href");
    });
    next.querySelectorAll('link[rel~="stylesheet"][href]').forEach(function (link) {
      var path = new URL(link.getAttribute("href"), location.href).pathname;
      if (current[path] && current[path].indexOf("protoweb=") >= 0) {
        link.setAttribute("href", current[path]);
      }
    });
  };

  var morph = function (html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    if (scripts(next) !== scripts(document)) return false;
    var x = window.scrollX;
    var y = window.scrollY;
    keepRestyled(next);
    Idiomorph.morph(document.documentElement, next.documentElement, {
      callbacks: {
        beforeNodeRemoved: function (node) {
          return !(node.hasAttribute && node.hasAttribute("data-protoweb-live"));
        },
        beforeAttributeUpdated: function (name, el) { return !typed(name, el); },
      },
    });
    window.scrollTo(x, y);
    return true;
  };

  var update = function () {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(location.href, {
      headers: { "X-Protoweb-Live": "update", "X-Protoweb-Page": page },
      cache: "no-store",
      credentials: "same-origin",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("text/html") !== 0) return null;
        return response.text();
      })
      .then(function (html) {
        if (html === null || !morph(html)) return reload();
        live.updates += 1;
        busy = false;
        if (again) {
          again = false;
          update();
        }
      })
      .catch(reload);
  };

  var connect = function () {
    source = new EventSource(
      eventsUrl + "?since=" + encodeURIComponent(since) +
      "&page=" + encodeURIComponent(page)
    );
    window.__protoweb_events = source;
    source.addEventListener("change", function (event) {
      var change = JSON.parse(event.data);
      since = change.version;
      if (change.action === "restyle") restyle(change.stylesheets);
      else if (change.action === "update") update();
      else reload();
    });
    source.onerror = function () {
      source.close();
      setTimeout(connect, 1000);
    };
  };
  connect();
}
