// The web admin's script: optional help on top of pages that work without it (live preview, tabs, progress
// polling, the browser's time zone as the default). Served from this server; the CSP allows no other script.
(function () {
  'use strict';
  var csrf = function () { var m = document.getElementById('main'); return m ? m.getAttribute('data-csrf') : null; };

  function post(url, form) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form))
    }).then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); });
  }

  function poll(url, onData, everyMs) {
    var stop = false;
    (function tick() {
      fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (d) {
        stop = onData(d) === false;
      }).catch(function () { /* keep the static value; try again */ }).then(function () {
        if (!stop) { setTimeout(tick, everyMs); }
      });
    })();
  }

  function setProgress(el, percent) {
    if (!el) { return; }
    el.setAttribute('aria-valuenow', percent);
    el.querySelector('.bar').style.width = percent + '%';
    el.querySelector('.value').textContent = percent + '%';
  }

  function tabs() {
    var list = document.querySelector('[role=tablist]');
    if (!list) { return; }
    document.documentElement.classList.add('js');
    var all = list.querySelectorAll('[role=tab]');
    function select(tab) {
      all.forEach(function (t) {
        var on = t === tab;
        t.setAttribute('aria-selected', on ? 'true' : 'false');
        document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
      });
    }
    all.forEach(function (t) { t.addEventListener('click', function () { select(t); }); });
    select(all[0]);
  }

  function livePreview() {
    var form = document.getElementById('compose');
    if (!form) { return; }
    var timer = null, seq = 0;
    var problems = document.getElementById('live-problems');
    function refresh() {
      var mine = ++seq;
      form.setAttribute('data-preview-state', 'loading');
      post('/admin/compose/preview', form).then(function (d) {
        if (mine !== seq) { return; }
        problems.textContent = '';
        (d.problems || []).forEach(function (p) {
          var li = document.createElement('li');
          li.textContent = p.path + ': ' + p.message;
          problems.appendChild(li);
        });
        if (d.html !== undefined) {
          document.getElementById('preview-desktop').srcdoc = d.html;
          document.getElementById('preview-phone').srcdoc = d.html;
          document.getElementById('preview-text').textContent = d.text;
        }
        form.setAttribute('data-preview-state', 'ready');
        form.setAttribute('data-preview-count', String(mine));
      }).catch(function () { form.setAttribute('data-preview-state', 'failed'); });
    }
    var schedule = function () { clearTimeout(timer); timer = setTimeout(refresh, 400); };
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
  }

  // Drag a section by its handle onto another: the form is posted with action move:FROM:TO, as the buttons post
  // up and down (the server renumbers the fields). The Up/Down buttons remain the keyboard way.
  function dragSections() {
    var form = document.getElementById('compose');
    if (!form) { return; }
    var from = null;
    form.querySelectorAll('fieldset.section').forEach(function (fs) {
      var handle = fs.querySelector('.drag-handle');
      handle.addEventListener('mousedown', function () { fs.draggable = true; });
      fs.addEventListener('dragstart', function (e) { from = fs.getAttribute('data-index'); e.dataTransfer.effectAllowed = 'move'; fs.classList.add('dragging'); });
      fs.addEventListener('dragend', function () { fs.draggable = false; fs.classList.remove('dragging'); });
      fs.addEventListener('dragover', function (e) { if (from !== null) { e.preventDefault(); fs.classList.add('drop-target'); } });
      fs.addEventListener('dragleave', function () { fs.classList.remove('drop-target'); });
      fs.addEventListener('drop', function (e) {
        e.preventDefault();
        var to = fs.getAttribute('data-index');
        if (from === null || from === to) { return; }
        var action = document.createElement('input');
        action.type = 'hidden';
        action.name = 'action';
        action.value = 'move:' + from + ':' + to;
        form.appendChild(action);
        form.submit();
      });
    });
  }

  function browserZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll('select[data-browser-default=yes]').forEach(function (sel) {
      if (zone && sel.querySelector('option[value="' + zone.replace(/"/g, '') + '"]')) { sel.value = zone; }
    });
  }

  function campaignProgress() {
    var section = document.querySelector('[data-progress-url]');
    if (!section) { return; }
    var status = document.getElementById('campaign-status');
    var text = document.getElementById('progress-text');
    poll(section.getAttribute('data-progress-url'), function (d) {
      setProgress(document.getElementById('progress'), d.percent);
      status.textContent = d.status;
      status.className = 'status ' + d.status;
      text.textContent = d.done + ' of ' + d.total + ' recipients done';
      return !d.over;
    }, 1500);
  }

  function importProgress() {
    var section = document.querySelector('[data-import-url]');
    if (!section) { return; }
    poll(section.getAttribute('data-import-url'), function (d) {
      setProgress(document.getElementById('import-progress'), d.percent);
      document.getElementById('import-text').textContent = d.done ? 'Done.' : d.rowsToWrite > 0
        ? d.rowsWritten + ' of ' + d.rowsToWrite + ' rows written…' : d.rowsRead + ' of about ' + d.totalRows + ' rows read…';
      if (d.done) { window.location.reload(); return false; }
      return true;
    }, 1000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    tabs();
    livePreview();
    dragSections();
    browserZone();
    campaignProgress();
    importProgress();
  });
})();
