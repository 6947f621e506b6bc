import { Route, Routes } from "react-router";
import { NotFound } from "../../shell/NotFound";
import { HomePage } from "./HomePage";

/** The ASN area (/saya/*), loaded as its own chunk. Add the area's pages here. */
export default function AsnArea() {
  return (
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
