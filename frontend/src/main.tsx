import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App";
import { session } from "./api/client";
import "./i18n";
import "./styles/base.css";
import "./ui/ui.css";
import "./shell/shell.css";
// Last, so that on paper it wins over every screen style.
import "./styles/print.css";

const root = document.getElementById("root");
if (!root) {
  throw new Error("Elemen #root tidak ditemukan");
}

// Resume this tab's login before the first render, outside React: StrictMode runs effects twice and
// a refresh token may be used only once.
void session.restore();

createRoot(root).render(
  <StrictMode>
    <App session={session} />
  </StrictMode>,
);
