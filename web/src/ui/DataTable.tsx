import { Box, LoadingOverlay, Table, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import type { ColumnDef, RowData } from '@tanstack/react-table';
import type { ReactNode } from 'react';

export type DataColumnMeta = {
  /** Server-side sort key; the header becomes a sort button when set. */
  sortField?: string;
  align?: 'left' | 'right' | 'center';
  /** Keeps narrow cells (dates, numbers, actions) on one line. */
  nowrap?: boolean;
  width?: number | string;
};

export const dataTableFeatures = tableFeatures({ columnMeta: {} as DataColumnMeta });
export type DataTableFeatures = typeof dataTableFeatures;
export type DataColumn<T extends RowData> = ColumnDef<DataTableFeatures, T>;

export function dataColumns<T extends RowData>() {
  return createColumnHelper<DataTableFeatures, T>();
}

export type SortInfo = { field: string; descending: boolean };

export function DataTable<T extends RowData>({
  caption,
  columns,
  data,
  getRowId,
  minWidth = 720,
  loading = false,
  sort,
  onSort,
  empty,
  rowHighlight,
}: {
  caption: string;
  columns: DataColumn<T>[];
  data: T[];
  getRowId: (row: T, index: number) => string;
  minWidth?: number;
  loading?: boolean;
  sort?: SortInfo;
  onSort?: (field: string) => void;
  empty?: ReactNode;
  rowHighlight?: (row: T) => boolean;
}) {
  const table = useTable({ features: dataTableFeatures, columns, data, getRowId });
  const rows = table.getRowModel().rows;
  return (
    <Box pos="relative">
      <LoadingOverlay visible={loading} zIndex={5} overlayProps={{ blur: 1 }} loaderProps={{ size: 'sm' }} />
      <Table.ScrollContainer
        minWidth={minWidth}
        type="native"
        tabIndex={0}
        role="region"
        aria-label={caption}
        style={{ borderRadius: 'var(--mantine-radius-md)', position: 'relative' }}
      >
        <Table striped highlightOnHover verticalSpacing="xs" horizontalSpacing="sm" stickyHeader={false}>
          <VisuallyHidden component="caption">{caption}</VisuallyHidden>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  const sortField = meta?.sortField;
                  const active = sortField !== undefined && sort?.field === sortField;
                  const ariaSort = active
                    ? sort?.descending
                      ? 'descending'
                      : 'ascending'
                    : sortField
                      ? 'none'
                      : undefined;
                  const content = header.isPlaceholder ? null : <table.FlexRender header={header} />;
                  return (
                    <Table.Th
                      key={header.id}
                      aria-sort={ariaSort}
                      style={{
                        textAlign: meta?.align ?? 'left',
                        width: meta?.width,
                        minWidth: meta?.width,
                        whiteSpace: 'nowrap',
                      }}
                    >
                      {sortField && onSort ? (
                        <UnstyledButton
                          onClick={() => onSort(sortField)}
                          fw={600}
                          fz="sm"
                          style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
                        >
                          {content}
                          {active ? (
                            sort?.descending ? (
                              <IconArrowDown size={14} aria-hidden />
                            ) : (
                              <IconArrowUp size={14} aria-hidden />
                            )
                          ) : (
                            <IconArrowsSort size={14} aria-hidden style={{ opacity: 0.4 }} />
                          )}
                        </UnstyledButton>
                      ) : (
                        content
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && !loading ? (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>{empty}</Table.Td>
              </Table.Tr>
            ) : null}
            {rows.map((row) => (
              <Table.Tr
                key={row.id}
                bg={rowHighlight?.(row.original) ? 'var(--mantine-color-violet-light)' : undefined}
              >
                {row.getAllCells().map((cell) => {
                  const meta = cell.column.columnDef.meta;
                  return (
                    <Table.Td
                      key={cell.id}
                      style={{
                        textAlign: meta?.align ?? 'left',
                        whiteSpace: meta?.nowrap ? 'nowrap' : undefined,
                      }}
                    >
                      <table.FlexRender cell={cell} />
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Box>
  );
}
