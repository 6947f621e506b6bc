// The UI kit: small accessible components styled by ui.css. Import from "../ui".
export { type Bar, BarChart, type BarChartProps, type BarTone } from "./BarChart";
export { Button, type ButtonProps } from "./Button";
export { Card, Stat } from "./Card";
export {
  type Column,
  type CursorPagination,
  compareValues,
  DataTable,
  type DataTableProps,
  type Sort,
} from "./DataTable";
export { DateField, Select, type SelectOption, TextArea, TextField } from "./fields";
export { Modal } from "./Modal";
export { ProgressBar, ProgressRing, percentOf } from "./Progress";
export { ScrollRegion } from "./ScrollRegion";
export { Spinner } from "./Spinner";
export { Alert, ToastProvider, type Tone, useToast } from "./Toast";
export { useCursorPages } from "./useCursorPages";
export { useDebouncedValue } from "./useDebouncedValue";
export { useObjectUrl } from "./useObjectUrl";
