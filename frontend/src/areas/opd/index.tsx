import { Route, Routes } from "react-router";
import { NotFound } from "../../shell/NotFound";
import { QueuePage } from "./QueuePage";

/** The OPD admin area (/opd/*), loaded as its own chunk. Add the area's pages here. */
export default function OpdArea() {
  return (
    <Routes>
      <Route index element={<QueuePage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
