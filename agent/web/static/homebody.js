// homebody's household page: a little progressive JavaScript over the JSON endpoints (docs/web.md).
// The pages are rendered by the server; this sends the page's actions, asks for confirmations and keeps
// device states live from the server's event stream. No build step, no dependencies.
"use strict";

const message = (text, problem = false) => {
  const box = document.getElementById("message");
  if (!box) return;
  box.textContent = text || "";
  box.classList.toggle("problem", problem);
};

async function call(method, url, body, raw = false) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    return { ok: false, data: { error: "homebody did not answer. Is it still running?" } };
  }
  if (response.status === 401) {
    window.location = "/login?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  }
  const data = raw ? null : await response.json().catch(() => ({ error: `homebody answered ${response.status}.` }));
  return { ok: response.ok, data };
}

// -- confirmations (unlock, open) -------------------------------------------------------------------

function ask(confirm) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-question").textContent = confirm.question;
  const pinRow = document.getElementById("confirm-pin-row");
  const pin = document.getElementById("confirm-pin");
  pinRow.hidden = !confirm.pin;
  pin.value = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve({ answer: dialog.returnValue || "no", pin: pin.value }),
                            { once: true });
    dialog.showModal();
    (confirm.pin ? pin : document.getElementById("confirm-no")).focus();
  });
}

async function act(method, url, body) {
  let { ok, data } = await call(method, url, body);
  while (ok && data.confirm) {
    const answer = await ask(data.confirm);
    ({ ok, data } = await call("POST", `/api/confirmations/${encodeURIComponent(data.confirm.token)}`, answer));
  }
  message(ok ? data.reply || "" : data.error, !ok);
  return { ok, data };
}

// -- devices --------------------------------------------------------------------------------------------

const ON = ["on", "playing", "paused"];

function changeDevice(card, changes) {
  return act("POST", `/api/devices/${encodeURIComponent(card.dataset.device)}`, { changes });
}

function showDevice(card, event) {
  const state = event.state || {};
  card.dataset.state = state.state || "";
  card.classList.toggle("offline", !event.online);
  card.querySelector("[data-summary]").textContent = event.summary;
  card.querySelector("[data-away]").hidden = event.online;
  const toggle = card.querySelector("[data-toggle]");
  if (toggle) {
    const doing = ON.includes(state.state) ? "Turn off" : "Turn on";
    toggle.textContent = doing;
    toggle.setAttribute("aria-label", `${doing} ${card.querySelector("h3").textContent}`);
  }
  for (const input of card.querySelectorAll("[data-attr]")) {
    const value = state[input.dataset.attr];
    if (value !== undefined && document.activeElement !== input) input.value = value;
    const shown = card.querySelector(`[data-value-of="${input.dataset.attr}"]`);
    if (shown && value !== undefined) shown.textContent = `${value} %`;
  }
  const temperature = card.querySelector("[data-temperature] input");
  if (temperature && state.target_temperature !== undefined && document.activeElement !== temperature) {
    temperature.value = state.target_temperature;
  }
}

function deviceControls() {
  for (const card of document.querySelectorAll("[data-device]")) {
    card.querySelector("[data-toggle]")?.addEventListener("click", () =>
      changeDevice(card, { state: ON.includes(card.dataset.state) ? "off" : "on" }));
    for (const button of card.querySelectorAll("[data-set]")) {
      button.addEventListener("click", () => changeDevice(card, JSON.parse(button.dataset.set)));
    }
    for (const input of card.querySelectorAll("[data-attr]")) {
      input.addEventListener("change", () => {
        const value = input.tagName === "SELECT" ? input.value : Number(input.value);
        changeDevice(card, { [input.dataset.attr]: value });
      });
    }
    card.querySelector("[data-temperature]")?.addEventListener("submit", (event) => {
      event.preventDefault();
      changeDevice(card, { target_temperature: Number(event.target.elements.target_temperature.value) });
    });
  }
}

function liveStates() {
  if (!document.querySelector("[data-device]") || !window.EventSource) return;
  const events = new EventSource("/api/events");
  const LOST = "Lost touch with homebody: what is shown may be out of date until it answers again.";
  // body[data-live]: "open" while states arrive live, "lost" while the browser tries to reconnect
  events.addEventListener("open", () => {
    if (document.body.dataset.live === "lost" && document.getElementById("message")?.textContent === LOST) message("");
    document.body.dataset.live = "open";
  });
  events.addEventListener("error", () => {
    document.body.dataset.live = "lost";
    message(LOST, true);
  });
  events.addEventListener("state", (event) => {
    const data = JSON.parse(event.data);
    const card = document.querySelector(`[data-device="${CSS.escape(data.id)}"]`);
    if (card) showDevice(card, data);
  });
  window.addEventListener("pagehide", () => events.close());
}

// -- forms and buttons over the endpoints -----------------------------------------------------------------

function formObject(form) {
  const data = {};
  for (const [key, value] of new FormData(form)) {
    if (key === "days") (data.days ||= []).push(value);
    else data[key] = value;
  }
  return data;
}

function after(element, then) {
  if (then === "reload") window.location.reload();
  else if (then === "remove") element.closest("[data-row]")?.remove();
}

async function submitForm(form, send) {
  const box = form.querySelector("[data-form-message]");
  const submit = form.querySelector("[type=submit]");
  if (box) box.textContent = "";
  if (submit) submit.disabled = true;
  const { ok, data } = await send();
  if (submit) submit.disabled = false;
  if (!ok) {
    if (box) box.textContent = data.error; else message(data.error, true);
    (form.querySelector("[data-form-message]") || form).focus?.();
    return;
  }
  after(form, form.dataset.then);
}

function forms() {
  for (const form of document.querySelectorAll("form[data-api]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitForm(form, () => call(form.dataset.method || "POST", form.dataset.api, formObject(form)));
    });
  }
  for (const form of document.querySelectorAll("form[data-upload]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitForm(form, () => call("POST", form.dataset.upload, new FormData(form)));
    });
  }
  for (const button of document.querySelectorAll("[data-post], [data-delete]")) {
    button.addEventListener("click", async () => {
      if (button.dataset.ask && !window.confirm(button.dataset.ask)) return;
      button.disabled = true;
      const { ok } = button.dataset.post ? await act("POST", button.dataset.post, {})
                                         : await act("DELETE", button.dataset.delete);
      button.disabled = false;
      if (ok) after(button, button.dataset.then || (button.dataset.delete ? "reload" : ""));
    });
  }
}

// -- the schedule's entry form: add, or edit an entry ------------------------------------------------------

function entryForm() {
  const form = document.getElementById("entry-form");
  if (!form) return;
  const repeat = form.elements.repeat;
  const shown = () => {
    for (const part of form.querySelectorAll("[data-shown-for]")) part.hidden = part.dataset.shownFor !== repeat.value;
  };
  repeat.addEventListener("change", shown);
  shown();
  const heading = document.querySelector("[data-entry-heading]");
  const submit = form.querySelector("[data-entry-submit]");
  const stop = form.querySelector("[data-entry-cancel]");
  for (const button of document.querySelectorAll("[data-edit-entry]")) {
    button.addEventListener("click", () => {
      const entry = JSON.parse(button.dataset.editEntry);
      for (const name of ["title", "day", "start", "end", "repeat", "until", "rrule", "person", "area"]) {
        form.elements[name].value = entry[name] || (name === "repeat" ? "none" : "");
      }
      for (const box of form.querySelectorAll("[name=days]")) box.checked = entry.days.includes(box.value);
      form.dataset.api = `/api/schedule/entries/${encodeURIComponent(entry.uid)}`;
      form.dataset.method = "PUT";
      heading.textContent = `Edit “${entry.title}”`;
      submit.textContent = "Save";
      stop.hidden = false;
      shown();
      form.elements.title.focus();
    });
  }
  stop.addEventListener("click", () => window.location.reload());
}

document.addEventListener("DOMContentLoaded", () => {
  deviceControls();
  liveStates();
  forms();
  entryForm();
});
