// The UI kit: small accessible components styled by ui.css. Import from "../ui".
export { BarChart, type Bar, type BarChartProps } from "./BarChart";
export { Button, type ButtonProps } from "./Button";
export { Card, Stat } from "./Card";
export { DataTable, compareValues, type Column, type CursorPagination, type DataTableProps, type Sort } from "./DataTable";
export { DateField, Select, TextField, type SelectOption } from "./fields";
export { Modal } from "./Modal";
export { ProgressBar, ProgressRing, percentOf } from "./Progress";
export { Spinner } from "./Spinner";
export { Alert, ToastProvider, useToast, type Tone } from "./Toast";
export { useCursorPages } from "./useCursorPages";
export { useDebouncedValue } from "./useDebouncedValue";
