import { Route, Routes } from "react-router";
import { NotFound } from "../../shell/NotFound";
import "./asn.css";
import { ClaimPage } from "./ClaimPage";
import { HomePage } from "./HomePage";
import { RecordsPage } from "./RecordsPage";

/** The ASN area (/saya/*), loaded as its own chunk. Add the area's pages here. */
export default function AsnArea() {
  return (
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="klaim" element={<ClaimPage />} />
      <Route path="riwayat" element={<RecordsPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
