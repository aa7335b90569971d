/* Product gallery (marketplace/partials/gallery.html): the page works without this
   file (the photos swipe by scroll snap and the thumbnails are links to #photo-n).
   With it, the thumbnails become buttons, the arrow keys, Home and End move between
   photos, and a counter says which photo is shown. */
(function () {
  "use strict";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function enhance(gallery) {
    var track = gallery.querySelector("[data-gallery-track]");
    var slides = Array.prototype.slice.call(gallery.querySelectorAll("[data-gallery-slide]"));
    if (!track || slides.length < 2) return;
    var status = gallery.querySelector("[data-gallery-status]");
    var controls = gallery.querySelector("[data-gallery-controls]");
    var statusTemplate = status ? status.textContent : "";
    var current = 0;
    var thumbs = [];

    Array.prototype.forEach.call(gallery.querySelectorAll("[data-gallery-thumb]"), function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = link.className;
      button.setAttribute("data-gallery-thumb", link.getAttribute("data-gallery-thumb"));
      while (link.firstChild) button.appendChild(link.firstChild);
      link.parentNode.replaceChild(button, link);
      button.addEventListener("click", function () {
        show(Number(button.getAttribute("data-gallery-thumb")));
      });
      thumbs.push(button);
    });

    function mark(index) {
      current = index;
      thumbs.forEach(function (thumb, i) {
        if (i === index) thumb.setAttribute("aria-current", "true");
        else thumb.removeAttribute("aria-current");
      });
      if (status) status.textContent = statusTemplate.replace(/^\d+/, String(index + 1));
    }

    function show(index) {
      index = Math.max(0, Math.min(slides.length - 1, index));
      track.scrollTo({ left: slides[index].offsetLeft - track.offsetLeft, behavior: reduceMotion ? "auto" : "smooth" });
      mark(index);
    }

    var pending = null;
    track.addEventListener("scroll", function () {  // a swipe or a scroll by hand
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        var index = Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
        if (index !== current) mark(Math.max(0, Math.min(slides.length - 1, index)));
      }, 80);
    }, { passive: true });

    gallery.addEventListener("keydown", function (event) {
      var keys = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: slides.length - 1 };
      if (!(event.key in keys) || event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      show(keys[event.key]);
      var focused = thumbs.indexOf(document.activeElement);
      if (focused !== -1) thumbs[current].focus();
    });

    var prev = gallery.querySelector("[data-gallery-prev]");
    var next = gallery.querySelector("[data-gallery-next]");
    if (prev) prev.addEventListener("click", function () { show(current - 1); });
    if (next) next.addEventListener("click", function () { show(current + 1); });
    if (controls) controls.hidden = false;
    gallery.classList.add("is-enhanced");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), enhance);
})();
