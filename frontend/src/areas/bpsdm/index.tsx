import { Route, Routes } from "react-router";
import { NotFound } from "../../shell/NotFound";
import { DashboardPage } from "./DashboardPage";

/** The BPSDM area (/bpsdm/*), loaded as its own chunk. Add the area's pages here. */
export default function BpsdmArea() {
  return (
    <Routes>
      <Route index element={<DashboardPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
