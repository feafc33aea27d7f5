import { VisuallyHidden } from '@mantine/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useFormat } from '../../lib/useFormat';
import { useAnalyticsText } from './locales';
import type { TrendPoint } from './types';

// Only what this chart draws: ECharts core with two chart types, three components and the canvas renderer.
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const colors = { purchased: '#adb5bd', assigned: '#4dabf7', used: '#1864ab' };

/** Purchased (bars), assigned and used (lines) at 12 weekly points; a hidden table tells the same to screen readers. */
export default function TrendChart({ points }: { points: TrendPoint[] }) {
  const text = useAnalyticsText();
  const format = useFormat();
  const element = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const chart = echarts.init(target, undefined, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(target);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    const target = element.current;
    const chart = target ? echarts.getInstanceByDom(target) : undefined;
    if (!chart) return;
    const series = (['purchased', 'assigned', 'used'] as const).map((key) => ({
      name: text(`trend.${key}`),
      type: key === 'purchased' ? ('bar' as const) : ('line' as const),
      data: points.map((point) => point[key]),
      itemStyle: { color: colors[key] },
      symbolSize: 6,
      barMaxWidth: 28,
    }));
    chart.setOption(
      {
        animation: false,
        grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
        legend: { top: 0, textStyle: { fontSize: 12 } },
        tooltip: {
          trigger: 'axis',
          valueFormatter: (value: unknown) => format.number(typeof value === 'number' ? value : null),
        },
        xAxis: {
          type: 'category',
          data: points.map((point) => format.date(point.date)),
          axisLabel: { hideOverlap: true },
        },
        yAxis: { type: 'value', axisLabel: { formatter: (value: number) => format.number(value) } },
        series,
      },
      { notMerge: true },
    );
  }, [points, text, format]);

  return (
    <figure style={{ margin: 0 }}>
      <div ref={element} style={{ width: '100%', height: 300 }} aria-hidden />
      <VisuallyHidden component="figcaption">
        {points
          .map((point) =>
            text('trend.summary', {
              date: format.date(point.date),
              purchased: format.number(point.purchased),
              assigned: format.number(point.assigned),
              used: format.number(point.used),
            }),
          )
          .join(' ')}
      </VisuallyHidden>
    </figure>
  );
}
