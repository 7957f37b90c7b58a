// draft-keeper.js - keeps what a member of staff typed into an editor form (form[data-keep-draft]) in this
// tab's sessionStorage, so that a save refused because the session ran out (idle timeout: the form's token
// is no longer valid and the server answers 403) does not lose the text. After signing in again and opening
// the same editor, a notice offers 「入力内容を復元する」 or 「破棄する」. The draft is dropped when the editor
// shows the server's own values again after a successful save (its alert-ok), and when the tab is closed.
// Nothing leaves the browser; without JavaScript the form works as before.
(function () {
  'use strict';
  var form = document.querySelector('form[data-keep-draft]');
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!form || !store) return;
  var KEY = 'tsunagu-draft:' + location.pathname;
  var PENDING = 'tsunagu-draft-pending';
  var TEXT = /^(text|search|url|email|tel|number|date|datetime-local|month|time)$/;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.name === 'csrf_token' || el.disabled) return false;
      return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el.tagName === 'INPUT' && TEXT.test(el.type));
    });
  }
  function snapshot() {
    var o = {}, seen = {};
    fields().forEach(function (el) {
      var n = seen[el.name] = (seen[el.name] || 0) + 1;
      o[el.name + '#' + n] = el.value;
    });
    return o;
  }
  function same(a, b) {
    var k;
    for (k in a) if (Object.prototype.hasOwnProperty.call(a, k) && a[k] !== b[k]) return false;
    for (k in b) if (Object.prototype.hasOwnProperty.call(b, k) && a[k] !== b[k]) return false;
    return true;
  }
  function read(key) {
    try { return JSON.parse(store.getItem(key) || 'null'); } catch (e) { return null; }
  }
  function drop(key) {
    try { store.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  // a save went through: the editor shows its stored values with the server's 「保存しました」
  var pending = store.getItem(PENDING);
  if (pending && document.querySelector('.alert-ok[role="status"]')) {
    drop(pending);
    drop(PENDING);
  }

  var saved = read(KEY);
  var now = snapshot();
  if (saved && saved.values && !same(saved.values, now)) {
    offer(saved);
  } else {
    drop(KEY);
  }

  function offer(d) {
    var box = document.createElement('div');
    box.className = 'alert alert-info draft-note';
    box.setAttribute('role', 'status');
    var p = document.createElement('p');
    var at = new Date(d.at || Date.now());
    p.textContent = '保存されていない入力内容が、このタブに残っています（' + at.getHours() + '時' +
      ('0' + at.getMinutes()).slice(-2) + '分の入力）。ログインの有効期限が切れて保存できなかった場合などに、復元できます。';
    var actions = document.createElement('p');
    var restore = document.createElement('button');
    restore.type = 'button';
    restore.className = 'button';
    restore.textContent = '入力内容を復元する';
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'button button-secondary';
    discard.textContent = '破棄する';
    actions.appendChild(restore);
    actions.appendChild(document.createTextNode(' '));
    actions.appendChild(discard);
    box.appendChild(p);
    box.appendChild(actions);
    form.parentNode.insertBefore(box, form);
    restore.addEventListener('click', function () {
      var seen = {}, first = null;
      fields().forEach(function (el) {
        var n = seen[el.name] = (seen[el.name] || 0) + 1;
        var v = d.values[el.name + '#' + n];
        if (typeof v !== 'string' || v === el.value) return;
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        if (!first) first = el;
      });
      p.textContent = '入力内容を復元しました。内容を確認して保存してください。';
      actions.remove();
      if (first) first.focus();
    });
    discard.addEventListener('click', function () {
      drop(KEY);
      p.textContent = '残っていた入力内容を破棄しました。';
      actions.remove();
      form.querySelector('input:not([type=hidden]), textarea, select') && form.querySelector('input:not([type=hidden]), textarea, select').focus();
    });
  }

  var timer = null;
  function keep() {
    try { store.setItem(KEY, JSON.stringify({ at: Date.now(), values: snapshot() })); } catch (e) { /* full: not kept */ }
  }
  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(keep, 300);
  });
  form.addEventListener('change', keep);
  form.addEventListener('submit', function () {
    clearTimeout(timer);
    keep();
    try { store.setItem(PENDING, KEY); } catch (e) { /* not kept */ }
  });
})();
